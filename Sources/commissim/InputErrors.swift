import ArgumentParser
import CommissimEngine
import CommissimIO
import CommissimModel
import Foundation

/// Prints input problems to standard error, one line each, and exits with status 2. Any other
/// failure (the file system's: full disk, permissions, open-file limit) is said the same way,
/// naming the file (`path` when the error does not) and the fix.
func failWithInputErrors(_ error: Error, path: String = "commissim") -> Never {
    let text: String
    if let e = error as? ScenarioErrors { text = e.description } else if let e = error as? ScenarioError { text = e.description } else {
        text = IOFailure.error(error, path: path).description
    }
    StandardStreams.error("error: " + text.replacingOccurrences(of: "\n", with: "\nerror: ") + "\n")
    exit(2)
}

/// Reads and parses a scenario, exiting with status 2 on any problem. The checks that need
/// several keys at once (the market's size) are the caller's, once its overrides are applied
/// (``ScenarioParser/checkLimits(_:file:text:)``).
func loadScenario(_ path: String) -> (scenario: ResolvedScenario, text: String) {
    do {
        let text = try ScenarioParser.readText(path)
        return (try ScenarioParser.parse(text: text, file: path, crossChecks: false), text)
    } catch {
        failWithInputErrors(error)
    }
}

/// A market that would outgrow the memory limit while it runs (``MemoryLimit``) stops the command
/// as bad input does: one line naming `file`, the key and the fix, no output left behind, exit 2.
func stopWhenMemoryRunsOut(file: String) {
    MemoryLimit.exceeded = { message in
        OutputFolder.abortAll()
        failWithInputErrors(ScenarioError(file: file, line: nil, key: "simulation.scale", message: message,
                                          fix: MemoryLimit.fix))
    }
}
