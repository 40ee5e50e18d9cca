import ArgumentParser
import CommissimIO
import Foundation

/// `commissim calibrate FILE --out DIR`: fits the free parameters of a calibration file to its
/// targets (MODEL.md §3.15) and writes the calibrated scenario, the fit and the journal.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit uncertain parameters to evidence targets by the method of simulated moments.",
        discussion: """
        Example:
          commissim calibrate scenarios/calibration.toml --out results/calibration
        Writes calibrated.toml, fit.csv, FIT.md, parameters.csv, journal.csv (every evaluation),
        journal.raw and manifest.json, and convergence.png when the Python package is installed.
        Every evaluation is journaled: an interrupted calibration resumes when the same command is
        run again, and a finished one is replayed from its journal without simulating.
        """
    )

    @Argument(help: "Calibration file (TOML; see scenarios/calibration.toml).") var file: String
    @Option(name: .shortAndLong, help: "Output folder.") var out: String
    @OptionGroup var workers: WorkerThreads
    @Flag(help: "Start again: discard the journal of an earlier or unfinished calibration in --out.") var fresh = false
    @Flag(name: .shortAndLong, help: "No progress output.") var quiet = false

    func run() throws {
        stopWhenMemoryRunsOut(file: file)
        let calibration: Calibration
        do { calibration = try Calibration.load(file) } catch { failWithInputErrors(error) }
        let threads = workers.count(file: file)
        let stop = StopSignal()
        let calibrator = Calibrator(calibration: calibration, out: out, threads: threads)
        if !quiet { calibrator.log = { StandardStreams.error($0 + "\n") } }
        calibrator.shouldStop = { stop.stopped }
        calibrator.fresh = fresh
        let outcome: Calibrator.Outcome
        do { outcome = try calibrator.run() } catch { failWithInputErrors(error, path: out) }
        switch outcome {
        case .interrupted(let n):
            StandardStreams.error("interrupted after \(n) evaluations, journaled in \(out)/.partial; run the same command again to resume\n")
            throw ExitCode(128 + (stop.signalNumber == 0 ? SIGINT : stop.signalNumber))
        case .finished(let result):
            do { try calibrator.write(result, command: CommandLine.arguments) } catch { failWithInputErrors(error, path: out) }
            plot()
            if !quiet {
                StandardStreams.note("wrote \(out)/calibrated.toml, fit.csv, FIT.md (\(result.evaluations.count) evaluations; \(calibrator.targetsMet(result.check)) of \(calibration.targets.count) targets met with fresh seeds)\n")
                let uncomputed = calibrator.uncomputedTargets(result.best.moments)
                if !uncomputed.isEmpty {
                    StandardStreams.note("no fit: the model gives no value for \(uncomputed.joined(separator: ", ")) (a division by zero, or no month in its window); FIT.md says more\n")
                }
            }
        }
    }

    /// convergence.png by the Python package, when it is installed (the fit does not depend on it).
    private func plot() {
        guard let python = ReportCommand.python() else {
            if !quiet { StandardStreams.error("note: no Python with the commissim package: convergence.png not drawn (pip install ./python)\n") }
            return
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-m", "commissim.calibration_plot", out]
        do { try p.run(); p.waitUntilExit() } catch { return }
        if p.terminationStatus != 0 && !quiet { StandardStreams.error("note: convergence.png could not be drawn\n") }
    }
}
