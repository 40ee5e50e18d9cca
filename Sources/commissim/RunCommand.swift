import ArgumentParser
import CommissimIO
import CommissimModel
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one scenario and write its monthly time series and manifest.",
        discussion: "Writes timeseries.csv, scenario.resolved.toml and manifest.json (and councils.csv, providers.csv with --detail) into --out."
    )

    @Argument(help: "Scenario file (TOML).") var scenario: String
    @Option(name: .shortAndLong, help: "Output folder.") var out: String
    @Option(parsing: .unconditional, help: "Override simulation.seed.") var seed: Int?
    @Option(parsing: .unconditional, help: "Override simulation.months.") var months: Int?
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter, e.g. --set demand.trend=0.03 or --set policy.contract_months=120 (repeatable).", valueName: "path=value"))
    var overrides: [String] = []
    @Flag(help: "Also write per-council and per-provider CSVs.") var detail = false
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        stopWhenMemoryRunsOut(file: scenario)
        stopNowWhenInterrupted()
        var (s, text) = loadScenario(scenario)
        if let v = seed {
            guard (0...9_007_199_254_740_991).contains(v) else {
                failWithInputErrors(ScenarioError(file: scenario, line: nil, key: "--seed", message: "\(v) is out of range 0…2^53−1",
                                                  fix: "give a seed from 0 to 9007199254740991 (the range simulation.seed accepts)"))
            }
            s.set("simulation.seed", .integer(v))
        }
        if let m = months {
            guard (1...1200).contains(m) else { failWithInputErrors(ScenarioError(file: scenario, line: nil, key: "--months", message: "\(m) is out of range 1…1200", fix: "use 1 to 1200 months")) }
            s.set("simulation.months", .integer(m))
        }
        if detail { s.set("simulation.detail", .flag(true)) }
        do {
            try ScenarioParser.applyOverrides(overrides, to: &s, file: scenario)
        } catch {
            failWithInputErrors(error)
        }
        let clock = ContinuousClock.now
        do {
            let writer = RunWriter(scenario: s, scenarioFile: scenario, scenarioText: text, command: CommandLine.arguments)
            // A line of progress (months, burn-in included) once a run has taken two seconds.
            try writer.run(out: out, progress: ProgressReporter(label: "run", quiet: quiet, unit: "months", after: 2))
        } catch {
            failWithInputErrors(error, path: out)
        }
        if !quiet {
            let elapsed = ContinuousClock.now - clock
            StandardStreams.note("wrote \(out)/timeseries.csv (\(ModelConfig(s).months) months) in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))\n")
        }
    }
}

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

struct ParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "params",
        abstract: "List every scenario parameter with its default, unit, range and meaning."
    )

    @Flag(help: "Print a Markdown table (as in docs/PARAMETERS.md).") var markdown = false
    @Flag(help: "Print the parameter space as JSON for samplers (SALib, EMA Workbench): name, type, default, bounds, choices.") var json = false
    @Flag(help: "With --json: the parameters of one council or provider group instead, named councils[NAME].… and providers[NAME].….") var groups = false

    func run() {
        if groups && !json {
            failWithInputErrors(ScenarioError(file: "commissim params", line: nil, key: "--groups", message: "lists the group parameters as JSON only (the text lists them already)",
                                              fix: "use commissim params --json --groups"))
        }
        StandardStreams.output(json ? ParameterReference.json(groups: groups) : ParameterReference.text(markdown: markdown))
    }
}

struct ColumnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns",
        abstract: "List the columns of timeseries.csv (or councils.csv, providers.csv, comparison_groups.csv) with unit and meaning."
    )

    @Flag(help: "Print every table in Markdown (as in docs/COLUMNS.md).") var markdown = false
    @Flag(help: "The columns of councils.csv (`run --detail`).") var councils = false
    @Flag(help: "The columns of providers.csv (`run --detail`).") var providers = false
    @Flag(help: "The metrics of comparison_groups.csv (`compare --by`).") var groups = false
    @Flag(help: "Every table and the headline metrics (label, concern, better direction) as JSON, for reports and tools.") var json = false

    func run() {
        if json { StandardStreams.output(ParameterReference.columnsJSON()); return }
        let table: ParameterReference.ColumnTable = councils ? .councils : providers ? .providers : groups ? .groups : .timeseries
        StandardStreams.output(ParameterReference.columns(markdown: markdown, table: table))
    }
}
