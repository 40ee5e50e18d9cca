import CGSL
import CommissimEngine
@testable import CommissimIO
@testable import CommissimModel
import Foundation
import XCTest

/// Paths and helpers shared by the tests.
enum Support {
    /// The package root (two levels above this file's folder).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func scenarioPath(_ name: String) -> String { root.appendingPathComponent("scenarios/\(name).toml").path }

    /// A shipped scenario with overrides (`path=value`, TOML values).
    static func scenario(_ name: String, _ overrides: [String] = []) throws -> ResolvedScenario {
        var s = try ScenarioParser.parse(file: scenarioPath(name))
        for o in overrides { try ScenarioParser.applyOverride(o, to: &s) }
        return s
    }

    /// The names of the shipped scenario files (not studies, sweeps or calibrations), sorted.
    static func shippedScenarios() throws -> [String] {
        let folder = root.appendingPathComponent("scenarios")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".toml") }.sorted().filter {
            InputKind.of(text: try String(contentsOfFile: folder.appendingPathComponent($0).path, encoding: .utf8)) == .scenario
        }.map { String($0.dropLast(".toml".count)) }
    }

    /// A scenario from text with overrides.
    static func scenario(text: String, _ overrides: [String] = []) throws -> ResolvedScenario {
        var s = try ScenarioParser.parse(text: text, file: "test.toml")
        for o in overrides { try ScenarioParser.applyOverride(o, to: &s) }
        return s
    }

    /// A calibration's one target and one free parameter (tests of calibration files and folders).
    static let calibrationTarget = """
    [[targets]]
    name = "looked_after"
    metric = "looked_after"
    value = 56440
    per_scale = true
    source = "004"
    """
    static let calibrationParameter = """
    [[parameters]]
    path = "demand.referrals_per_10k"
    lower = 3
    upper = 5
    """

    /// A small market for fast tests: a tenth of England for `months` months.
    static func small(months: Int = 60, scale: Double = 0.1, _ extra: [String] = []) throws -> ResolvedScenario {
        try scenario("three_year", ["simulation.scale=\(scale)", "simulation.months=\(months)"] + extra)
    }

    /// Runs `study` into `out` and asks it to stop once `n` runs (or jobs) have been taken, as
    /// Ctrl-C does; returns what the sweep says (`.interrupted` unless it finished first).
    static func interruptedSweep(_ study: Study, out: String, after n: Int, threads: Int = 2, keepRuns: Bool = false) throws -> SweepRunner.Outcome {
        let taken = Counter()
        let runner = SweepRunner(study: study, out: out, threads: threads, keepRuns: keepRuns)
        runner.shouldStop = { taken.increment() > n }
        return try runner.run(command: ["t"])
    }

    /// A fresh temporary folder.
    static func tempDir() -> String {
        let p = NSTemporaryDirectory() + "commissim-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// The built `commissim` executable next to the test bundle.
    static var executable: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("commissim")
        }
        return Bundle.main.bundleURL.appendingPathComponent("commissim")
    }

    /// Runs the CLI (in the repository root, or `directory`; `environment` added to this process's);
    /// returns exit status, standard output and standard error.
    @discardableResult
    static func cli(_ args: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = directory.map { URL(fileURLWithPath: $0) } ?? root
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// Paired comparison of two scenarios across replications under common random numbers: run r of
/// both arms uses the same seed, so the difference reflects the policy, not the luck of the draw.
struct PairedExperiment {
    let a: ResolvedScenario
    let b: ResolvedScenario
    let replications: Int

    /// Per-replication results of both arms.
    func run() -> (a: [RunResult], b: [RunResult]) {
        let ca = ModelConfig(a), cb = ModelConfig(b)
        let seeds = (0..<replications).map { SeedDerivation.replicationSeed(ca.seed, $0) }
        let results = ParallelRunner().map(2 * replications) { j in
            j < replications ? Simulation(config: ca, seed: seeds[j]).run() : Simulation(config: cb, seed: seeds[j - replications]).run()
        }
        return (Array(results[..<replications]), Array(results[replications...]))
    }
}

/// Summary statistics used by the statistical tests.
enum Stats {
    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    static func sd(_ x: [Double]) -> Double {
        let m = mean(x)
        return (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count - 1)).squareRoot()
    }

    /// Two-sided confidence interval of the mean paired difference b − a, from the run-to-run
    /// spread of the differences (Student t with n − 1 degrees of freedom).
    static func pairedCI(_ a: [Double], _ b: [Double], level: Double = 0.99) -> (mean: Double, low: Double, high: Double) {
        let d = zip(a, b).map { $1 - $0 }
        let m = mean(d), se = sd(d) / Double(d.count).squareRoot()
        let t = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, Double(d.count - 1))
        return (m, m - t * se, m + t * se)
    }
}

extension RunResult {
    /// Sum of a column over all months.
    func total(_ name: String) -> Double { series(name).reduce(0, +) }
    /// Sum over months `from..<to` (0-based).
    func total(_ name: String, months r: Range<Int>) -> Double { Array(series(name)[r]).reduce(0, +) }
    /// Mean of a column over the last `n` months.
    func tailMean(_ name: String, _ n: Int = 24) -> Double { Stats.mean(Array(series(name).suffix(n))) }
}

/// Asserts that b − a is above zero (`.increase`) or below zero (`.decrease`) with 99% confidence.
enum Direction { case increase, decrease }

func assertPaired(_ label: String, _ a: [Double], _ b: [Double], _ direction: Direction, file: StaticString = #filePath, line: UInt = #line) {
    let ci = Stats.pairedCI(a, b)
    let text = "\(label): mean paired difference \(ci.mean) (99% CI \(ci.low) to \(ci.high)), arm A mean \(Stats.mean(a))"
    switch direction {
    case .increase: XCTAssertGreaterThan(ci.low, 0, text, file: file, line: line)
    case .decrease: XCTAssertLessThan(ci.high, 0, text, file: file, line: line)
    }
    print("  " + text)
}
