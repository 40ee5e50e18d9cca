import ArgumentParser
import CommissimIO
import Foundation

/// `commissim report DIR`: the report of a run, sweep, comparison or comparison study, written by
/// the Python package (`python -m commissim.report`, python/commissim/report/), which draws the
/// plots; this command finds that Python and hands it this binary for the column catalogue.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write REPORT.md and a self-contained report.html for a run, sweep, comparison or comparison study folder.",
        discussion: """
        Examples:
          commissim report results/3v10
          commissim report results/contract_length --metrics outcome_mean,spend
        Needs the Python package (pip install ./python, or bash scripts/install-deps.sh --python and
        .venv/bin/pip install ./python); set COMMISSIM_PYTHON to choose the Python that has it.
        """
    )

    @Argument(help: "A folder written by `commissim run`, `sweep` or `compare` (a comparison or a comparison study).") var folder: String
    @Option(name: .shortAndLong, help: "Where to write REPORT.md, report.html and figures/ (default: the folder itself).") var out: String?
    @Option(help: ArgumentHelp("The metrics to report, comma-separated (default: the headline metrics of `commissim columns --json`).", valueName: "a,b,…")) var metrics: String?
    @Option(parsing: .unconditional, help: "The report's title (default: the study's or the command's); it may start with a dash.") var title: String?
    @Flag(name: .shortAndLong, help: "Print nothing on success.") var quiet = false

    func run() throws {
        guard let python = Self.python() else {
            failWithInputErrors(ScenarioError(file: folder, line: nil, key: "report", message: "no Python with the commissim package (python/commissim) was found",
                                              fix: "install it (pip install ./python, from the repository) or set COMMISSIM_PYTHON to a Python that has it"))
        }
        var args = ["-m", "commissim.report", folder]
        if let out { args += ["--out", out] }
        if let metrics { args += ["--metrics", metrics] }
        if let title { args += ["--title", title] }
        if quiet { args.append("--quiet") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = args
        // Ctrl-C reaches both processes; SIGTERM or SIGHUP sent to this one alone is passed on,
        // so the Python removes its staged report and the earlier one stays whole.
        let interruption = ForwardedInterruption(to: p)
        var env = ProcessInfo.processInfo.environment
        env["COMMISSIM_BIN"] = Self.executable
        env[ForwardedInterruption.variable] = interruption.signals.map(String.init).joined(separator: ",")
        p.environment = env
        do { try p.run() } catch {
            failWithInputErrors(ScenarioError(file: python, line: nil, key: "COMMISSIM_PYTHON", message: "cannot start it: \(error.localizedDescription)", fix: "point COMMISSIM_PYTHON at a Python 3 interpreter"))
        }
        // A signal that came while the child was being started found none to pass on to.
        if case let sig = interruption.signalNumber, sig != 0 { kill(p.processIdentifier, sig) }
        p.waitUntilExit()
        if interruption.signalNumber != 0 { throw ExitCode(128 + interruption.signalNumber) }
        // Exit 2 is the package's own one-line error (a folder it cannot report); any other
        // failure (a Python without the package, a traceback, a signal) said in a line of ours.
        if p.terminationStatus == 2 && p.terminationReason == .exit { throw ExitCode(2) }
        if p.terminationStatus != 0 {
            let how = p.terminationReason == .uncaughtSignal ? "was ended by signal \(p.terminationStatus)" : "ended with status \(p.terminationStatus)"
            failWithInputErrors(ScenarioError(file: python, line: nil, key: "COMMISSIM_PYTHON", message: "the report (python -m commissim.report) \(how)",
                                              fix: "point COMMISSIM_PYTHON at a Python 3 that has the commissim package (pip install ./python), or unset it"))
        }
    }

    /// This executable, resolved (so the report asks the same build for its catalogue).
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0], relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .resolvingSymlinksInPath().path
    }

    /// A Python that can import the package: $COMMISSIM_PYTHON; else the repository's .venv above
    /// this executable (.build/release/commissim) or in the working folder; else python3 on PATH.
    static func python() -> String? {
        if let env = ProcessInfo.processInfo.environment["COMMISSIM_PYTHON"], !env.isEmpty { return env }
        var candidates: [String] = []
        var dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.appendingPathComponent(".venv/bin/python").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.venv/bin/python")
        for p in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append(p + "/python3") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && hasPackage($0) }
    }

    private static func hasPackage(_ python: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import commissim.report"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
