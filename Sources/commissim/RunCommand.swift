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
        // One value per key: `--months 5 --set simulation.months=7` ran 7 months without a word.
        let given: [(flag: String, as: String?, key: String)] = [("--seed", seed.map { "--seed \($0)" }, "simulation.seed"),
                                                                  ("--months", months.map { "--months \($0)" }, "simulation.months"),
                                                                  ("--detail", detail ? "--detail" : nil, "simulation.detail")]
        for (flag, written, key) in given {
            guard let written, let o = ScenarioParser.override(setting: key, in: overrides) else { continue }
            failWithInputErrors(ScenarioError(file: scenario, line: nil, key: flag, message: "\(written) and --set \(o) both set \(key)",
                                              fix: "give \(key) once"))
        }
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
            // The file's lines name the errors only where nothing on the command line changed the market.
            try ScenarioParser.applyOverrides(overrides, to: &s, file: scenario, text: months == nil ? text : "")
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
