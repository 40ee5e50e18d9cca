import Foundation
import TOMLKit
#if canImport(Glibc)
import Glibc
#endif

/// Says that the process ignores `sig` so as to handle it itself (the CLI's Interruption.swift):
/// a child forked to parse TOML takes the signal's default action back, so Ctrl-C ends it too.
public func handleSignalInProcess(_ sig: Int32) {
    if !SafeTOML.handledSignals.contains(sig) { SafeTOML.handledSignals.append(sig) }
}

/// TOML parsing that no input can crash.
///
/// toml++ (inside TOMLKit) is built with its assertions on and aborts the process on some malformed
/// inputs (`[=`, `[,]`, `s=[` followed by U+0085, …), and TOMLKit cuts keys at a NUL. So the text is
/// first checked for what TOML forbids outright — control characters other than tab and line ends, a
/// carriage return not followed by a line feed, a byte-order mark after the start — and for NUL
/// escapes (no parameter takes one); then it is parsed once in a child process. Only when the child
/// parsed it without aborting is it parsed here. An input that would have aborted the parser is
/// reported as invalid TOML at the first line whose prefix makes the parser abort.
enum SafeTOML {
    /// A problem found before or instead of toml++'s own error.
    struct Problem: Error {
        let line: Int?
        let message: String
        let fix: String
    }

    /// Parses `text`; throws ``Problem`` or TOMLKit's `TOMLParseError`.
    static func table(_ text: String) throws -> TOMLTable {
        if let p = forbiddenCharacter(text) { throw p }
        // A `--set` value that is one plain literal cannot make the parser abort: no child.
        if isPlainAssignment(text) { return try TOMLTable(string: text) }
        switch childParse(text) {
        case .parsed: break
        case .aborted:
            throw Problem(line: abortingLine(text), message: "not valid TOML: the parser cannot read this line",
                          fix: "correct the syntax on that line")
        case .hung:
            throw Problem(line: nil, message: "not valid TOML: the parser did not finish", fix: "check the file's syntax")
        }
        return try TOMLTable(string: text)
    }

    /// What to say of a number toml++ refused because no 64-bit integer or double holds it (its
    /// error: "'1e400' could not be interpreted as a value", "'0xFF…' is not representable in 64
    /// bits"), or nil for any other parse error. "Correct the syntax" would send the user looking
    /// for a typo in a well-formed number.
    static func numberBeyondRange(_ description: String) -> (message: String, fix: String)? {
        let integer = description.contains("integer:") && description.contains("is not representable in 64 bits")
        let float = description.contains("floating-point:") && description.contains("could not be interpreted as a value")
        guard integer || float, let open = description.firstIndex(of: "'"),
              let close = description[description.index(after: open)...].firstIndex(of: "'") else { return nil }
        let literal = description[description.index(after: open)..<close].prefix(40)
        return ("\(literal) is beyond what a TOML number holds (whole numbers up to about 9.2e18, decimals up to about 1.8e308)",
                "give a value within the key's range (`commissim params` lists those of scenario keys)")
    }

    /// The first character TOML forbids anywhere in a document, with its line.
    static func forbiddenCharacter(_ text: String) -> Problem? {
        var line = 1, previousCR = false, first = true
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            defer { first = false; i += 1 }
            if previousCR && v != 0x0A {
                return Problem(line: line, message: "a carriage return not followed by a line feed", fix: "save the file with LF or CRLF line ends")
            }
            previousCR = v == 0x0D
            if v == 0x0A { line += 1; continue }
            if v == 0x0D || v == 0x09 { continue }
            if v < 0x20 || v == 0x7F {
                return Problem(line: line, message: String(format: "control character U+%04X is not allowed in TOML", v),
                               fix: "remove it (only tab and line ends may appear)")
            }
            if v == 0xFEFF && !first {
                return Problem(line: line, message: "a byte-order mark (U+FEFF) after the start of the file", fix: "remove it")
            }
            // A \u0000 or \U00000000 escape: TOMLKit would cut the key or text at it.
            if v == 0x5C, i + 5 < scalars.count, scalars[i + 1] == "u" || scalars[i + 1] == "U" {
                let digits = scalars[i + 1] == "u" ? 4 : 8
                if i + 1 + digits < scalars.count, (0..<digits).allSatisfy({ scalars[i + 2 + $0] == "0" }) {
                    var backslashes = 0, j = i - 1
                    while j >= 0 && scalars[j] == "\\" { backslashes += 1; j -= 1 }
                    if backslashes % 2 == 0 {
                        return Problem(line: line, message: "a NUL escape (\\u0000) is not allowed in a scenario", fix: "remove it")
                    }
                }
            }
        }
        if previousCR { return Problem(line: line, message: "a carriage return not followed by a line feed", fix: "save the file with LF or CRLF line ends") }
        return nil
    }

    /// Whether `text` is `v = ` and one plain literal — a decimal number (`-0.5`, `36`, `1e-3`),
    /// `true`/`false`, or a double-quoted string of printable ASCII without escapes — as a `--set`
    /// value usually is: valid TOML that parses to that value, so it cannot make the parser abort.
    static func isPlainAssignment(_ text: String) -> Bool {
        guard text.hasPrefix("v = ") else { return false }
        let value = Array(text.utf8.dropFirst(4))
        guard !value.isEmpty, value.count <= 64 else { return false }
        if value.elementsEqual("true".utf8) || value.elementsEqual("false".utf8) { return true }
        if value.first == UInt8(ascii: "\""), value.count >= 2, value.last == UInt8(ascii: "\"") {
            return value.dropFirst().dropLast().allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        // [+-]? integer part (no leading zero but 0 itself) (. digits)? ([eE] [+-]? digits)?
        var i = 0
        func digits() -> Int {
            let start = i
            while i < value.count && value[i] >= UInt8(ascii: "0") && value[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if value[i] == UInt8(ascii: "+") || value[i] == UInt8(ascii: "-") { i += 1 }
        let start = i, whole = digits()
        guard whole > 0, whole == 1 || value[start] != UInt8(ascii: "0") else { return false }
        if i < value.count && value[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < value.count && (value[i] == UInt8(ascii: "e") || value[i] == UInt8(ascii: "E")) {
            i += 1
            if i < value.count && (value[i] == UInt8(ascii: "+") || value[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == value.count
    }

    enum ChildResult { case parsed, aborted, hung }

    /// Signals this process ignores so as to handle them on a queue of its own
    /// (``handleSignalInProcess(_:)``): the parsing child takes their default action back.
    nonisolated(unsafe) static var handledSignals: [Int32] = []

    /// Parses `text` in a child process and says how it ended (parsed or rejected: `.parsed`).
    static func childParse(_ text: String) -> ChildResult {
        #if canImport(Glibc)
        fflush(nil)
        let pid = fork()
        if pid == 0 {
            // The signals the parent ignores to handle them itself (``handledSignals``) end the
            // child as they end any process.
            for sig in handledSignals { signal(sig, SIG_DFL) }
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, 2); dup2(null, 1) }
            _ = try? TOMLTable(string: text)
            _exit(0)
        }
        guard pid > 0 else { return .parsed } // no child to be had: toml++'s own checks must do
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(20)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return .parsed }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                return .hung
            }
            usleep(200)
        }
        let exited = status & 0x7F == 0
        return exited && (status >> 8) & 0xFF == 0 ? .parsed : .aborted
        #else
        return .parsed
        #endif
    }

    /// The first line whose prefix makes the parser abort (binary search over prefixes).
    static func abortingLine(_ text: String) -> Int? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var lo = 1, hi = lines.count
        guard hi > 1 else { return 1 }
        while lo < hi {
            let mid = (lo + hi) / 2
            if childParse(lines[0..<mid].joined(separator: "\n")) == .aborted { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
