import ArgumentParser
import CommissimIO

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario, sweep and comparison-study files; print the problems (file:line: key: …, the first 20 by line) or \"ok\"."
    )

    @Argument(help: "Scenario, sweep, comparison-study or calibration files.") var scenarios: [String]
    @Option(name: .customLong("set"), help: ArgumentHelp("Check with this override applied, as `run` and `sweep` apply it (repeatable; scenarios and sweeps).", valueName: "path=value"))
    var overrides: [String] = []

    func run() throws {
        var failed = false
        for f in scenarios {
            do {
                switch try InputKind.validate(f, overrides: overrides) {
                case .scenario:
                    let note = (try? ScenarioParser.readText(f)).flatMap { ScenarioParser.populationNote(text: $0, file: f) }
                    StandardStreams.output("\(f): ok" + (note.map { " (note: \($0))" } ?? "") + "\n")
                case .sweep: StandardStreams.output("\(f): ok (sweep)\n")
                case .comparisonStudy: StandardStreams.output("\(f): ok (comparison study)\n")
                case .calibration: StandardStreams.output("\(f): ok (calibration)\n")
                }
            } catch let e as ScenarioErrors {
                failed = true
                for line in e.description.split(separator: "\n") { StandardStreams.error("error: " + line + "\n") }
            } catch {
                failed = true
                StandardStreams.error("error: \(IOFailure.error(error, path: f).description)\n")
            }
        }
        if failed { throw ExitCode(2) }
    }
}
