import CommissimEngine
import CommissimModel
import Foundation

/// The files of one finished comparison: `comparison.csv`, `comparison_monthly.csv`, `runs.csv`,
/// `summary.txt`, both resolved scenarios and `manifest.json`.
public struct ComparisonOutput {
    public let comparison: Comparison
    public let result: Comparison.Result
    /// Scenario files and texts of the two arms.
    public let fileA: String, textA: String, fileB: String, textB: String
    /// Overrides applied to each arm (`path=value`), recorded in the manifest.
    public var overridesA: [String] = [], overridesB: [String] = []
    /// Extra manifest entries (e.g. the comparison study this belongs to).
    public var extra: [(String, JSON)] = []

    public init(comparison: Comparison, result: Comparison.Result, fileA: String, textA: String, fileB: String, textB: String) {
        self.comparison = comparison; self.result = result
        self.fileA = fileA; self.textA = textA; self.fileB = fileB; self.textB = textB
    }

    /// Arm `arm`'s resolved scenario as written beside the results (`a.resolved.toml`), read from
    /// `file`. An arm read from such a copy keeps its header, naming the original scenario: the
    /// comparison run again from the copies writes them out the same.
    static func resolved(_ scenario: ResolvedScenario, arm: String, file: String, text: String) -> String {
        let first = text.prefix { $0 != "\n" }
        let copied = first.hasPrefix("# Arm \(arm) (") && first.hasSuffix("), resolved")
        return scenario.tomlText(header: (copied ? String(first) : "# Arm \(arm) (\(Format.comment(file))), resolved") + "\n")
    }

    /// Refuses an `--out` whose a.resolved.toml or b.resolved.toml is the scenario file of an arm
    /// and would be replaced with other text (`commissim compare out/a.resolved.toml
    /// out/b.resolved.toml --set … --out out` overwrote the user's files with the overrides
    /// applied). Run again from its own copies, unchanged, a comparison writes them out the same.
    public static func refuseReplacingInputs(out: String, arms: [(arm: String, scenario: ResolvedScenario, file: String, text: String)]) throws {
        for (arm, scenario, file, text) in arms {
            let name = arm.lowercased() + ".resolved.toml"
            for (other, _, input, _) in arms {
                try OutputFolder.refuseReplacing(input, with: name, text: resolved(scenario, arm: arm, file: file, text: text), in: out,
                                                 writer: "the comparison writes arm \(arm)'s \(name)" + (other == arm ? "" : " (arm \(other) is read from it)"))
            }
        }
    }

    /// The plain-language summary (also written to `summary.txt`).
    /// With a breakdown by group, the changed groups lead, then England's headline table.
    public var table: String {
        let months = min(ModelConfig(comparison.a).months, ModelConfig(comparison.b).months)
        let england = Comparison.table(result.rows, nameA: comparison.nameA, nameB: comparison.nameB,
                                       window: max(1, min(RunSummary.endMonths, months)))
        guard let groups = result.groups else { return england }
        return groups.table(nameA: comparison.nameA, nameB: comparison.nameB) + "\n" + england
    }

    /// The files a finished comparison folder holds (besides manifest.json).
    public static let files = ["comparison.csv", "comparison_monthly.csv", "runs.csv", "summary.txt", "a.resolved.toml", "b.resolved.toml"]
    /// Every file a comparison can write into its folder (comparison_groups.csv with `--by`):
    /// those a new one does not write again are removed when it commits.
    public static let owned = Set(files + ["comparison_groups.csv", "manifest.json"])

    /// Whether `folder` holds this finished comparison (same identity and build, and for a study's
    /// comparison the same study: its title, labels and order are in the manifest): nothing to do.
    public static func isComplete(_ folder: String, _ cmp: Comparison, study fingerprint: String? = nil) -> Bool {
        Manifest.isComplete(folder, fields: [("comparison_identity", cmp.identity)] + (fingerprint.map { [("study_fingerprint", $0)] } ?? []),
                            files: files + (cmp.level != nil ? ["comparison_groups.csv"] : []))
    }

    /// Writes every file into `folder` (staged; the caller commits).
    public func write(to folder: OutputFolder, command: [String]) throws {
        let cmp = comparison
        try folder.write("comparison.csv", Comparison.csv(result.rows))
        try folder.write("comparison_monthly.csv", result.monthly)
        try folder.write("runs.csv", result.runs)
        if let groups = result.groups { try folder.write("comparison_groups.csv", groups.csv) }
        try folder.write("summary.txt", table)
        try folder.write("a.resolved.toml", Self.resolved(cmp.a, arm: "A", file: fileA, text: textA))
        try folder.write("b.resolved.toml", Self.resolved(cmp.b, arm: "B", file: fileB, text: textB))
        var manifest = Manifest(command: command, scenarioFile: fileA, scenarioText: textA, scenario: cmp.a, seed: cmp.seed,
                                runSeeds: (0..<cmp.replications).map(cmp.runSeed),
                                generator: ModelConfig(cmp.a).generatorKind.gslName,
                                outputs: [("comparison.csv", "paired differences B − A per metric, end and total, 95% CI"),
                                          ("comparison_monthly.csv", "monthly paired differences"), ("runs.csv", "one row per run")]
                                    + (result.groups != nil ? [("comparison_groups.csv", "paired differences B − A per council group (and council) and England, 95% CI")] : []))
        manifest.resolvedFile = "a.resolved.toml"
        manifest.reproduce = "commissim compare a.resolved.toml b.resolved.toml --replications \(cmp.replications) --seed \(cmp.seed)"
            + (cmp.level.map { " --by \($0.rawValue)" } ?? "") + " --out <folder>"
            + "  (gives byte-identical comparison.csv and runs.csv)"
        manifest.extra = [("scenario_b_file", .string(fileB)), ("scenario_b_fingerprint", .string(Fingerprint.of(textB))),
                          ("overrides_a", .array(overridesA.map { .string($0) })), ("overrides_b", .array(overridesB.map { .string($0) })),
                          ("replications", .int(cmp.replications)), ("comparison_identity", .string(cmp.identity)),
                          ("label_a", .string(cmp.nameA)), ("label_b", .string(cmp.nameB)),
                          ("seeding", .string("replication r of both arms uses seed SplitMix64(seed, r), 53 bits (common random numbers); `commissim run a.resolved.toml --seed S` with a seed of runs.csv repeats that run"))] + extra
        try folder.write("manifest.json", manifest.json())
    }
}
