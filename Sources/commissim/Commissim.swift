import ArgumentParser
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
    static func main() {
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
