import ArgumentParser
import CommissimIO
import Foundation

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge shard outputs of `commissim sweep --shard I/N` into the single-machine files.",
        discussion: "Refuses shards of another study file or version, and lists missing or incomplete shards by number."
    )

    @Argument(help: "Study file the shards were run from.") var study: String
    @Argument(help: "Shard folders (each holding shard.json and shard.bin).") var shards: [String]
    @Option(name: .shortAndLong, help: "Output folder for the merged files.") var out: String
    @Option(name: .customLong("set"), help: ArgumentHelp("Override a parameter of the base scenario (repeatable).", valueName: "path=value"))
    var overrides: [String] = []
    @Option(help: ArgumentHelp("The shards' --metrics, if they were run with it.", valueName: "a,b,…"))
    var metrics: String?
    @Flag(help: "Also write every run's monthly series under runs/ (the shards keep them in shard.bin).") var keepRuns = false
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    func run() throws {
        var s: Study
        do {
            s = try Study.load(study).setting(overrides)
            if let m = metrics { s = try s.selecting(metrics: m.split(separator: ",", omittingEmptySubsequences: false).map(String.init)) }
        } catch { failWithInputErrors(error) }
        stopNowWhenInterrupted()
        let runner = SweepRunner(study: s, out: out, threads: 1, keepRuns: keepRuns)
        runner.progress = ProgressReporter(label: "merge", quiet: quiet)
        do { try runner.merge(shards: shards, command: CommandLine.arguments) } catch { failWithInputErrors(error, path: out) }
        if !quiet { StandardStreams.note("merged \(shards.count) shards into \(out)/summary.csv, runs.csv, points.csv" + (keepRuns ? " and runs/" : "") + "\n") }
    }
}
