/// What a TOML input file is, from its tables: a scenario, a sweep (`[study]` with `[vary]`) or a
/// comparison study (`[study]` with `[[comparison]]` tables).
public enum InputKind: Sendable {
    case scenario, sweep, comparisonStudy, calibration

    public static func of(text: String) -> InputKind {
        // Split on U+000A as a scalar ("\r\n" is one Character), so CRLF files are recognised too.
        let headers = text.unicodeScalars.split(separator: "\n")
            .map { String(String.UnicodeScalarView($0)).trimmingSpaces() }
            .filter { $0.hasPrefix("[") }
        if headers.contains(where: { $0.hasPrefix("[[comparison]]") }) { return .comparisonStudy }
        if headers.contains(where: { $0.hasPrefix("[calibration]") || $0.hasPrefix("[[targets]]") }) { return .calibration }
        if headers.contains(where: { $0.hasPrefix("[study]") || $0.hasPrefix("[vary]") }) { return .sweep }
        return .scenario
    }

    /// Reads and checks the file at `path` as whatever kind it is; throws ``ScenarioErrors``.
    public static func validate(_ path: String) throws -> InputKind {
        let text = try ScenarioParser.readText(path)
        let kind = of(text: text)
        switch kind {
        case .scenario: _ = try ScenarioParser.parse(text: text, file: path)
        case .sweep: _ = try Study.parse(text: text, file: path)
        case .comparisonStudy: _ = try ComparisonStudy.parse(text: text, file: path)
        case .calibration: _ = try Calibration.parse(text: text, file: path)
        }
        return kind
    }
}
