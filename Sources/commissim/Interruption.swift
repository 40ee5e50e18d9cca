import CommissimIO
import Dispatch
import Foundation

/// The signals that end a command: Ctrl-C, `kill`'s default and a closed terminal. One the
/// process was started ignoring (`nohup`, a background job of a script) stays ignored.
private let interruptions: [Int32] = [SIGINT, SIGTERM, SIGHUP]

/// The handlers' sources, kept alive for the process's life.
nonisolated(unsafe) private var signalSources: [DispatchSourceSignal] = []

/// Calls `handler` with the signal's number on each interruption the process does not ignore;
/// returns those signals.
@discardableResult
private func onInterruption(_ handler: @escaping @Sendable (Int32) -> Void) -> [Int32] {
    var handled: [Int32] = []
    for sig in interruptions {
        let previous = signal(sig, SIG_IGN)
        if unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue } // ignored by whoever started us
        handleSignalInProcess(sig)
        let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
        source.setEventHandler { handler(sig) }
        source.resume()
        signalSources.append(source)
        handled.append(sig)
    }
    return handled
}

/// Stops the process at once: the staging folders it has open are removed (a commit under way
/// finishes first: ``OutputFolder/abortAll()``), so nothing half-written is left, and it exits
/// with 128 + the signal's number, as a shell reports a process the signal ended.
func stopNow(signal sig: Int32) -> Never {
    OutputFolder.abortAll()
    _exit(128 + sig)
}

/// For a command that has nothing to keep when interrupted (`run`, `merge`): Ctrl-C, SIGTERM or
/// SIGHUP stops it at once through ``stopNow(signal:)``.
func stopNowWhenInterrupted() {
    onInterruption { stopNow(signal: $0) }
}

/// For a command whose work is done by a child process (`report`): Ctrl-C, SIGTERM or SIGHUP is
/// passed on to `child`, which cleans up after itself; the command then exits as the signal asks.
/// ``signalNumber`` is the signal received (0 if none). The child may start with these signals
/// ignored (this process ignores them to handle them on a queue, and a child started before
/// that queue takes them inherits it): ``variable`` names them in the child's environment, so it
/// handles them as this process was started to.
final class ForwardedInterruption: @unchecked Sendable {
    private let lock = NSLock()
    private var number: Int32 = 0
    /// The environment variable (comma-separated signal numbers) the child reads.
    static let variable = "COMMISSIM_STOP_SIGNALS"
    /// The signals passed on: those this process was not started ignoring.
    private(set) var signals: [Int32] = []

    init(to child: Process) {
        signals = onInterruption { [weak self] sig in
            guard let self else { return }
            self.lock.lock(); self.number = sig; self.lock.unlock()
            if child.isRunning { kill(child.processIdentifier, sig) }
        }
    }

    var signalNumber: Int32 { lock.lock(); defer { lock.unlock() }; return number }
}

/// For a command that keeps its finished runs (`sweep`, `compare`, `calibrate`): the first
/// interruption asks it to stop taking new runs and to finish and save those in flight
/// (``stopped``); a second stops it at once (``stopNow(signal:)``).
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private(set) var signalNumber: Int32 = 0

    init() {
        onInterruption { [weak self] sig in
            guard let self else { return }
            self.lock.lock()
            if self.flag { stopNow(signal: sig) } // a second Ctrl-C: stop at once
            self.flag = true
            self.signalNumber = sig
            self.lock.unlock()
            StandardStreams.error("\nstopping: finishing the runs in flight (Ctrl-C again to abandon them)…\n")
        }
    }

    var stopped: Bool { lock.lock(); defer { lock.unlock() }; return flag }
}
