import ArgumentParser

/// The `commissim` command line: a thin layer over CommissimIO and CommissimModel.
@main
struct Commissim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "commissim",
        abstract: "Agent-based simulation of commissioner–provider markets for children's services.",
        discussion: "Write a scenario (scenarios/ has examples), check it with `validate`, run it with `run`.",
        version: "0.1.0",
        subcommands: [RunCommand.self, SweepCommand.self, CompareCommand.self, MergeCommand.self, ValidateCommand.self, ParamsCommand.self, ColumnsCommand.self]
    )
}
