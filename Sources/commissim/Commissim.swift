import ArgumentParser
import CommissimEngine
import CommissimIO
import Foundation

/// The `commissim` command line: a thin layer over CommissimIO and CommissimModel.
@main
struct Commissim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commissim",
        abstract: "Agent-based simulation of commissioner–provider markets for children's services.",
        discussion: "Write a scenario (scenarios/ has examples), check it with `validate`, run it with `run`.",
        version: "0.1.0",
        subcommands: [RunCommand.self, SweepCommand.self, CompareCommand.self, MergeCommand.self, ValidateCommand.self, ParamsCommand.self, ColumnsCommand.self, ReportCommand.self, CalibrateCommand.self]
    )

    /// The most command-line arguments read: the argument parser's work grows with the square of
    /// repeated options (20,000 `--set`s took minutes), and no command needs more than a few hundred.
    static let maxArguments = 4_000

    /// Parses and runs the command. A bad command line (an unknown option, a value that is not a
    /// number, a missing argument, too many arguments) or memory limit setting is one `error:`
    /// line with the fix and exit 2, like every other input error; help and version print as usual.
    static func main() {
        // A file outgrowing the file-size limit (ulimit -f) is a write error (EFBIG) said in one
        // line with its fix and the staging folder removed, not SIGXFSZ ending the process with
        // the half-written folder left behind.
        signal(SIGXFSZ, SIG_IGN)
        if let bad = MemoryLimit.invalidSetting {
            failWithInputErrors(ScenarioError(file: "COMMISSIM_MEMORY_LIMIT_MB", line: nil, key: nil, message: bad.message, fix: bad.fix))
        }
        if CommandLine.arguments.count > maxArguments {
            failWithInputErrors(ScenarioError(file: "commissim", line: nil, key: nil,
                                              message: "\(CommandLine.arguments.count - 1) arguments, above the limit of \(maxArguments)",
                                              fix: "write the overrides into a scenario file that extends this one (extends = \"baseline.toml\": README, \"A scenario can extend another\")"))
        }
        do {
            var command = try parseAsRoot()
            try command.run()
            // What the command printed as its answer (params, columns, validate's "ok", compare's
            // table) may not all have been written: `> /dev/full` is an error, not a short file.
            if let code = StandardStreams.outputFailure {
                failWithInputErrors(ScenarioError(file: "standard output", line: nil, key: nil, message: "cannot write (\(String(cString: strerror(code))))",
                                                  fix: code == ENOSPC ? "free disk space, or send the output somewhere that can take it" : "send the output to a file or pipe that is open for writing"))
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
            let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            let sub = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? ""
            let help = configuration.subcommands.contains { $0.configuration.commandName == sub } ? "commissim \(sub) --help" : "commissim --help"
            StandardStreams.error("error: commissim: \(text.replacingOccurrences(of: "\n", with: " ")) — fix: see `\(help)`\n")
            Foundation.exit(2)
        }
    }
}
