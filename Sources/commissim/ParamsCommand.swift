import ArgumentParser
import CommissimIO

struct ParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "List every scenario parameter with its default, unit, range and meaning."
    )

    @Flag(help: "Print a Markdown table (as in docs/PARAMETERS.md).") var markdown = false
    @Flag(help: "Print the parameter space as JSON for samplers (SALib, EMA Workbench): name, type, default, bounds, choices.") var json = false
    @Flag(help: "With --json: the parameters of one council or provider group instead, named councils[NAME].… and providers[NAME].….") var groups = false

    func run() {
        if json && markdown {
            failWithInputErrors(ScenarioError(file: "commissim params", line: nil, key: "--markdown", message: "--json and --markdown are two forms of the list: one at a time",
                                              fix: "give --json or --markdown"))
        }
        if groups && !json {
            failWithInputErrors(ScenarioError(file: "commissim params", line: nil, key: "--groups", message: "lists the group parameters as JSON only (the text lists them already)",
                                              fix: "use commissim params --json --groups"))
        }
        StandardStreams.output(json ? ParameterReference.json(groups: groups) : ParameterReference.text(markdown: markdown))
    }
}
