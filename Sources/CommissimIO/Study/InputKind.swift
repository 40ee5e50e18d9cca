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

    /// Reads and checks the file at `path` as whatever kind it is, with `overrides` (`--set`) applied
    /// to a scenario or a sweep as `run` and `sweep` apply them; throws ``ScenarioErrors``.
    public static func validate(_ path: String, overrides: [String] = []) throws -> InputKind {
        let text = try ScenarioParser.readText(path)
        let kind = of(text: text)
        switch kind {
        case .scenario:
            var s = try ScenarioParser.parse(text: text, file: path, crossChecks: false)
            try ScenarioParser.applyOverrides(overrides, to: &s, file: path, text: text)
        case .sweep: _ = try Study.parse(text: text, file: path).setting(overrides)
        case .comparisonStudy:
            _ = try ComparisonStudy.parse(text: text, file: path)
            try refuse(overrides, path, "a comparison study", fix: "add set = { … }, set_a or set_b to [study] or the [[comparison]]")
        case .calibration:
            _ = try Calibration.parse(text: text, file: path)
            try refuse(overrides, path, "a calibration", fix: "add set = { … } to [calibration]")
        }
        return kind
    }

    /// `--set` is for scenarios and sweeps: the other kinds hold their overrides in the file.
    private static func refuse(_ overrides: [String], _ path: String, _ what: String, fix: String) throws {
        guard !overrides.isEmpty else { return }
        throw ScenarioErrors([ScenarioError(file: path, line: nil, key: "--set", message: "overrides belong in the file for \(what)", fix: fix)])
    }
}
