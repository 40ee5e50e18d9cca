import ArgumentParser
import CommissimEngine
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

    /// Parses and runs the command. A bad command line (an unknown option, a value that is not a
    /// number, a missing argument) is one `error:` line with the fix and exit 2, like every other
    /// input error; help and version print as usual.
    /// The most command-line arguments read.
    static let maxArguments = 4_000

    static func main() {
        if let bad = MemoryLimit.invalidSetting {
            FileHandle.standardError.write(Data("error: COMMISSIM_MEMORY_LIMIT_MB: \(bad.message.replacingOccurrences(of: "\n", with: " ")) — fix: \(bad.fix)\n".utf8))
            Foundation.exit(2)
        }
        // The argument parser's work grows with the square of repeated options: 20,000 `--set`s
        // took minutes. No command needs more than a few hundred.
        if CommandLine.arguments.count > maxArguments {
            FileHandle.standardError.write(Data(("error: commissim: \(CommandLine.arguments.count - 1) arguments, above the limit of \(maxArguments) — fix: "
                + "write the overrides into a scenario file that extends this one (extends = \"baseline.toml\": README, \"A scenario can extend another\")\n").utf8))
            Foundation.exit(2)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let message = fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
            let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            let sub = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") } ?? ""
            let help = configuration.subcommands.contains { $0.configuration.commandName == sub } ? "commissim \(sub) --help" : "commissim --help"
            FileHandle.standardError.write(Data("error: commissim: \(text.replacingOccurrences(of: "\n", with: " ")) — fix: see `\(help)`\n".utf8))
            Foundation.exit(2)
        }
    }
}
