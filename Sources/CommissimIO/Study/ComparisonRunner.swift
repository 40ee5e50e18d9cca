import CommissimModel
import Foundation

/// Runs comparisons into output folders for `commissim compare`: two scenarios into one folder, or
/// every comparison of a study file into OUT/<name>/, each folder written atomically. A folder
/// that holds the finished comparison already is left as it is; an unfinished one resumes from its
/// journal (OUT/.partial), where an interrupted one leaves its finished runs.
public struct ComparisonRunner {
    public let threads: Int
    /// No progress lines and no notes.
    public let quiet: Bool
    /// Stops taking new runs when it returns true (signals).
    public var shouldStop: @Sendable () -> Bool = { false }

    public init(threads: Int, quiet: Bool) {
        self.threads = threads
        self.quiet = quiet
    }

    public enum Outcome: Equatable {
        /// Written; the plain-words summary, as in summary.txt.
        case finished(summary: String)
        /// Already there (same comparison, same build): nothing was written.
        case upToDate(summary: String)
        /// Stopped by ``shouldStop``: the finished runs are in `folder`/.partial.
        case interrupted(folder: String)
    }

    public enum StudyOutcome: Equatable {
        /// Every comparison written (or already there), with the replications each ran with.
        case finished(replications: [Int])
        /// Stopped by ``shouldStop``: the finished runs of the comparison it was running are in `folder`/.partial.
        case interrupted(folder: String)
    }

    /// Runs `cmp` into the folder `out` (`label` names it in progress lines and notes; `study`: the
    /// fingerprint of the study file it belongs to); `output` makes its files from the result.
    /// Errors are input errors, or the file system's said for `out`.
    public func run(_ cmp: Comparison, into out: String, label: String, study: String? = nil,
                    output: (Comparison.Result) -> ComparisonOutput) throws -> Outcome {
        if ComparisonOutput.isComplete(out, cmp, study: study) {
            if !quiet { StandardStreams.error("\(label): \(out) already holds this comparison (same scenarios, replications, seed and build): nothing to do\n") }
            return .upToDate(summary: (try? String(contentsOfFile: out + "/summary.txt", encoding: .utf8)) ?? "")
        }
        do {
            try OutputFolder.refuseOtherResults(in: out, writing: .comparison)
            let folder = try OutputFolder(out)
            var table = ""
            // The files are written, and the journal removed, while the folder is still locked.
            guard try cmp.run(threads: threads, progress: ProgressReporter(label: label, quiet: quiet), shouldStop: shouldStop, journal: out, finish: { result in
                let files = output(result)
                try files.write(to: folder, command: CommandLine.arguments)
                try folder.commit(owned: ComparisonOutput.owned)
                try? FileManager.default.removeItem(atPath: out + "/.partial")
                table = files.table
            }) != nil else {
                folder.abort()
                return .interrupted(folder: out)
            }
            return .finished(summary: table)
        } catch let e as ScenarioError {
            throw e
        } catch let e as ScenarioErrors {
            throw e
        } catch {
            throw IOFailure.error(error, path: out)
        }
    }

    /// Runs every comparison of `study` (read from `file`) into `out`/<name>/, in order, with
    /// `replications` pairs each and `seed` where given (the study's otherwise) and `level`'s
    /// breakdown where given (each comparison's otherwise).
    public func run(study: ComparisonStudy, file: String, into out: String, replications: Int?, seed: UInt64?,
                    level: ComparisonLevel?) throws -> StudyOutcome {
        let base = seed ?? study.seed
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw ScenarioError(file: out, line: nil, key: "--out", message: "cannot create the output folder", fix: "choose a folder you can write")
        }
        let fingerprint = study.fingerprint
        let pairs = study.entries.map { replications ?? $0.replications }
        try OutputFolder.refuseOtherResults(in: out, writing: nil)
        for entry in study.entries {
            try ComparisonOutput.refuseReplacingInputs(out: out + "/" + entry.name, arms: [("A", entry.a.scenario, entry.a.file, entry.a.text),
                                                                                           ("B", entry.b.scenario, entry.b.file, entry.b.text)])
        }
        for (n, entry) in study.entries.enumerated() {
            var cmp = Comparison(a: entry.a.scenario, b: entry.b.scenario, nameA: entry.a.label, nameB: entry.b.label, replications: pairs[n], seed: base)
            cmp.level = level ?? entry.level
            let outcome = try run(cmp, into: out + "/" + entry.name, label: "\(entry.name) (\(n + 1)/\(study.entries.count))", study: fingerprint) { result in
                var output = ComparisonOutput(comparison: cmp, result: result, fileA: entry.a.file, textA: entry.a.text, fileB: entry.b.file, textB: entry.b.text)
                output.overridesA = entry.a.overrides
                output.overridesB = entry.b.overrides
                output.extra = [("study_file", .string(file)), ("study_fingerprint", .string(fingerprint)), ("study_title", .string(study.title)),
                                ("comparison", .string(entry.name)), ("comparison_title", .string(entry.title)),
                                ("comparison_index", .int(n)), ("comparisons", .int(study.entries.count))]
                return output
            }
            // The study's report is made from its comparisons: once one is new, it is out of date.
            switch outcome {
            case .interrupted(let folder): return .interrupted(folder: folder)
            case .finished: try? OutputFolder.removeReport(in: out)
            case .upToDate: break
            }
        }
        if removeOtherStudies(in: out, keeping: fingerprint) { try? OutputFolder.removeReport(in: out) }
        return .finished(replications: pairs)
    }

    /// Removes the comparisons of another study, or another version of this one, that an earlier
    /// run left in `out` (a comparison since renamed or dropped): the report reads every comparison
    /// folder there, and refused the mix with no way out but deleting them by hand. Only folders
    /// commissim wrote as a study's comparison are touched. Returns whether any was removed.
    private func removeOtherStudies(in out: String, keeping fingerprint: String) -> Bool {
        let fm = FileManager.default
        var removed = false
        for name in ((try? fm.contentsOfDirectory(atPath: out)) ?? []).sorted() where !name.hasPrefix(".") {
            let folder = out + "/" + name
            guard fm.fileExists(atPath: folder + "/comparison.csv"), !fm.fileExists(atPath: folder + "/.partial"),
                  let data = fm.contents(atPath: folder + "/manifest.json"),
                  let manifest = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  manifest["tool"] as? String == "commissim",
                  let other = manifest["study_fingerprint"] as? String, other != fingerprint else { continue }
            // The manifest first, so a folder half removed is never read as a comparison.
            try? fm.removeItem(atPath: folder + "/manifest.json")
            removed = true
            if (try? fm.removeItem(atPath: folder)) != nil, !quiet {
                StandardStreams.error("removed \(folder): a comparison of another version of the study, not of this one\n")
            }
        }
        return removed
    }
}
