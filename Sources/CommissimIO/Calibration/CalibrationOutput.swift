import CommissimModel
import Foundation

/// The files of a finished calibration (README "Calibration"): calibrated.toml (the base scenario
/// with the fitted values), fit.csv and FIT.md (each target beside the fitted and the fresh-seed
/// moments), parameters.csv, journal.csv (every evaluation, for the convergence plot), journal.raw
/// (the replay cache) and manifest.json, written atomically.
extension Calibrator {
    /// Whether moment `x` (mean of `n`, sd `sd`) meets target `t`.
    public static func within(_ t: Calibration.Target, _ x: Double) -> Bool { x.isFinite && abs(x - t.value) <= t.tolerance * abs(t.value) }

    /// How many targets moments `m` meet.
    public func targetsMet(_ m: Moments) -> Int { zip(calibration.targets, m.mean).filter { Self.within($0, $1) }.count }

    /// The targets for which the model gives no value at `m` (a division by zero, or no month in
    /// the window): they score every candidate 10^12 (``objective(_:)``), so the fit is no fit.
    public func uncomputedTargets(_ m: Moments) -> [String] { zip(calibration.targets, m.mean).filter { !$1.isFinite }.map(\.0.name) }

    static func ci(_ m: Moments, _ i: Int) -> (Double, Double) {
        guard m.n > 1, m.sd[i].isFinite else { return (.nan, .nan) }
        let half = Confidence.t95(m.n - 1) * m.sd[i] / Double(m.n).squareRoot()
        return (m.mean[i] - half, m.mean[i] + half)
    }

    /// Every file a calibration writes into its folder (convergence.png by the Python package).
    public static let files = ["calibrated.toml", "fit.csv", "parameters.csv", "journal.csv", "journal.raw", "FIT.md", "manifest.json", "convergence.png"]

    /// Refuses an `--out` where the calibration's files would replace the calibration file or the
    /// base scenario it reads (`--out results/calibration` with `scenario =
    /// "results/calibration/calibrated.toml"`: the fit would overwrite its own starting point, and
    /// the manifest would name a scenario that no longer holds what was run).
    func refuseReplacingInputs() throws {
        guard let (name, input) = OutputFolder.inputReplaced(by: Self.files, in: out, inputs: [calibration.file, calibration.scenarioFile]) else { return }
        let own = input == calibration.file
        throw ScenarioErrors([ScenarioError(file: calibration.file, line: own ? nil : SourceLocator(text: calibration.text).line("calibration.scenario"),
                                            key: own ? "--out" : "calibration.scenario",
            message: "\(out) is where the calibration writes its \(name), which would replace \(input), a file it reads",
            fix: "choose another --out, or copy \(input) elsewhere and calibrate from the copy")])
    }

    public func write(_ result: Result, command: [String]) throws {
        let cal = calibration
        let folder = try OutputFolder(out)
        do {
            let fitted = cal.applying(result.best.theta, to: cal.base)
            let met = targetsMet(result.best.moments), checked = targetsMet(result.check)
            var header = "# Calibrated scenario written by commissim \(CommissimVersion.string) calibrate \(Format.comment(cal.file))\n"
            header += "# from \(Format.comment(cal.scenarioFile)): the fitted parameters below, every other value as that scenario resolves it.\n"
            for (p, v) in zip(cal.parameters, result.best.theta) { header += "#   \(p.name) = \(Format.number(v))  (searched in \(Format.number(p.lower))…\(Format.number(p.upper)))\n" }
            header += "# Targets met: \(met) of \(cal.targets.count) with the fitting seeds, \(checked) of \(cal.targets.count) with fresh seeds (fit.csv, FIT.md).\n"
            try folder.write("calibrated.toml", fitted.tomlText(header: header))

            var fit = "target,expression,window,value,tolerance,weight,per_scale,fitted_mean,fitted_ci95_low,fitted_ci95_high,fitted_within,check_mean,check_ci95_low,check_ci95_high,check_within,source\n"
            for (i, t) in cal.targets.enumerated() {
                let (fl, fh) = Self.ci(result.best.moments, i), (cl, ch) = Self.ci(result.check, i)
                let cells: [String] = [t.name, t.text, "\(t.from)-\(t.to)" + (t.every > 1 ? " every \(t.every)" : ""), CSVFormat.number(t.value), CSVFormat.number(t.tolerance),
                                       CSVFormat.number(t.weight), t.perScale ? "true" : "false",
                                       CSVFormat.number(result.best.moments.mean[i]), CSVFormat.number(fl), CSVFormat.number(fh), Self.within(t, result.best.moments.mean[i]) ? "true" : "false",
                                       CSVFormat.number(result.check.mean[i]), CSVFormat.number(cl), CSVFormat.number(ch), Self.within(t, result.check.mean[i]) ? "true" : "false", t.source]
                fit += cells.map(CSVFormat.field).joined(separator: ",") + "\n"
            }
            try folder.write("fit.csv", fit)

            var params = "parameter,lower,upper,log,start,fitted\n"
            for (p, v) in zip(cal.parameters, result.best.theta) {
                params += [p.name, CSVFormat.number(p.lower), CSVFormat.number(p.upper), p.log ? "true" : "false", CSVFormat.number(p.start), "\(v)"].map(CSVFormat.field).joined(separator: ",") + "\n"
            }
            try folder.write("parameters.csv", params)

            var journal = (["evaluation", "restart", "objective", "best_objective"] + cal.parameters.map(\.name) + cal.targets.map(\.name)).map(CSVFormat.field).joined(separator: ",") + "\n"
            var best = Double.infinity
            for (k, e) in result.evaluations.enumerated() {
                best = min(best, e.objective)
                journal += ([String(k + 1), String(e.restart + 1), "\(e.objective)", "\(best)"] + e.theta.map { "\($0)" } + e.moments.mean.map(CSVFormat.number)).joined(separator: ",") + "\n"
            }
            try folder.write("journal.csv", journal)
            try folder.write("journal.raw", journalText())
            try folder.write("FIT.md", fitMarkdown(result, met: met, checked: checked))

            var manifest = Manifest(command: command, scenarioFile: cal.scenarioFile, scenarioText: cal.scenarioText, scenario: cal.runBase, seed: cal.seed,
                                    runSeeds: (0..<(cal.replications + cal.checkReplications)).map(cal.runSeed), generator: ModelConfig(cal.runBase).generatorKind.gslName,
                                    outputs: [("calibrated.toml", "the base scenario with the fitted parameters"), ("fit.csv", "each target, the fitted moments (fitting seeds) and the check (fresh seeds)"),
                                              ("parameters.csv", "bounds, start and fitted value of each free parameter"), ("journal.csv", "every evaluation in order: objective, parameters and moments"),
                                              ("journal.raw", "the replay cache: a calibration run again on this folder reads it instead of simulating"),
                                              ("FIT.md", "the fit as a table")])
            manifest.resolvedFile = "calibrated.toml"
            manifest.reproduce = "commissim calibrate \(cal.file) --out <folder>  (same evaluations, same fit)"
            manifest.extra = [("calibration_file", .string(cal.file)), ("calibration_fingerprint", .string(cal.fingerprint)),
                              ("calibration_set", .array(cal.sets.map { .string($0) })),
                              ("evaluations", .int(result.evaluations.count)), ("objective", .number(result.best.objective)),
                              ("stopped", .string(result.stopReason)), ("targets_met_fitted", .int(met)), ("targets_met_check", .int(checked))]
            try folder.write("manifest.json", manifest.json())
            try folder.commit(last: "manifest.json", owned: Set(Self.files)) // convergence.png is drawn again after
            try? removeJournal()
        } catch {
            folder.abort()
            throw error
        }
    }

    func fitMarkdown(_ result: Result, met: Int, checked: Int) -> String {
        let cal = calibration
        func f(_ x: Double) -> String {
            guard x.isFinite else { return "—" }
            return abs(x) >= 1000 ? Format.number(x.rounded()) : String(format: abs(x) >= 10 ? "%.1f" : "%.3f", x)
        }
        var md = "# Calibration fit\n\n"
        md += "`commissim calibrate \(cal.file)`: \(cal.scenarioFile) fitted to \(cal.targets.count) targets by the method of simulated moments "
        md += "(MODEL.md §3.15), \(cal.replications) replications per candidate with common random numbers, GSL Nelder–Mead (nmsimplex2) with up to \(cal.restarts) restarts; "
        md += "\(result.evaluations.count) evaluations, \(result.stopReason). Run at: " + (cal.sets.isEmpty ? "the scenario as written" : cal.sets.joined(separator: ", ")) + ".\n\n"
        md += "**Targets met: \(met) of \(cal.targets.count) with the fitting seeds; \(checked) of \(cal.targets.count) with \(cal.checkReplications) fresh seeds.** Objective \(String(format: "%.4g", result.best.objective)) "
        md += "(Σ weight·(error / tolerance)²; 1 per target is its tolerance's edge).\n\n"
        let uncomputed = uncomputedTargets(result.best.moments)
        if !uncomputed.isEmpty {
            md += "**No fit:** the model gives no value for \(uncomputed.joined(separator: ", ")) (— below: a division by zero or no month in its window), "
            md += "so every candidate scored 10¹² and the parameters are where the search stopped, not an optimum. Fix the target's expression or window and calibrate again.\n\n"
        }
        md += "| target | window (months) | evidence | tolerance | model (fitting seeds, 95% CI) | met | model (fresh seeds, 95% CI) | met | source |\n|---|---|---|---|---|---|---|---|---|\n"
        for (i, t) in cal.targets.enumerated() {
            let (fl, fh) = Self.ci(result.best.moments, i), (cl, ch) = Self.ci(result.check, i)
            md += "| \(t.name)\(t.perScale ? " (per unit scale)" : "") | \(t.from)–\(t.to)\(t.every > 1 ? " every \(t.every)" : "") | \(f(t.value)) | ±\(Int((t.tolerance * 100).rounded()))% | "
            md += "\(f(result.best.moments.mean[i])) (\(f(fl)) to \(f(fh))) | \(Self.within(t, result.best.moments.mean[i]) ? "yes" : "**no**") | "
            md += "\(f(result.check.mean[i])) (\(f(cl)) to \(f(ch))) | \(Self.within(t, result.check.mean[i]) ? "yes" : "**no**") | \(t.source.replacingOccurrences(of: "|", with: "/")) |\n"
        }
        md += "\n| parameter | bounds | start | fitted |\n|---|---|---|---|\n"
        for (p, v) in zip(cal.parameters, result.best.theta) {
            md += "| \(p.name) | \(Format.number(p.lower))–\(Format.number(p.upper))\(p.log ? " (log)" : "") | \(Format.number(p.start)) | \(Format.number(v)) |\n"
        }
        return md
    }
}
