import CommissimModel
import Foundation

/// An explicit design: a CSV file of points (`[study] design = "file"`, `points_file = "…"`),
/// written by any sampler — SALib's Saltelli or Morris, EMA Workbench's, a hand-made table — and
/// run as one sweep with its threads, resume, shards and common random numbers.
///
/// ```csv
/// policy.contract_months,investment.payback_months
/// 36,48
/// 120,24.5
/// ```
/// The header names parameters as `[vary]` does; each row is a point, each cell a value checked
/// against its parameter (type and range). Cells may be quoted as RFC 4180, pandas and R's
/// `write.csv` quote them (``CSVReader``); flags read true/false in any case. Errors name the
/// CSV file, line and parameter.
public enum DesignFile {
    /// Largest design file read (64 MiB: a million points of a few parameters).
    static let maxBytes = 64 * 1_048_576
    static let maxPoints = 1_000_000

    /// The parameters (header) and points (rows) of the design at `path`.
    static func read(_ path: String) throws -> (parameters: [String], points: [[ParamValue]], text: String) {
        func error(_ line: Int?, _ key: String?, _ message: String, _ fix: String) -> ScenarioErrors {
            ScenarioErrors([ScenarioError(file: path, line: line, key: key, message: message, fix: fix)])
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw error(nil, nil, "no such file", "check points_file (relative to the study file)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw error(nil, nil, "is not a regular file", "give the path of a .csv file") }
        guard info.st_size <= maxBytes else {
            throw error(nil, nil, "is \(info.st_size / 1_048_576) MiB, above the limit of 64 MiB for a design", "split the design into several studies")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw error(nil, nil, "cannot be read as UTF-8 text", "save it as UTF-8 CSV")
        }
        let (parameters, points) = try parse(text: text, file: path)
        return (parameters, points, text)
    }

    /// The parameters (header) and points (rows) of a design's CSV `text`; errors name `file`.
    public static func parse(text: String, file path: String) throws(ScenarioErrors) -> (parameters: [String], points: [[ParamValue]]) {
        func error(_ line: Int?, _ key: String?, _ message: String, _ fix: String) -> ScenarioErrors {
            ScenarioErrors([ScenarioError(file: path, line: line, key: key, message: message, fix: fix)])
        }
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(text) } catch let p { throw error(p.line, nil, p.message, p.fix) }
        guard let headerRecord = records.first, headerRecord.line == 1, headerRecord.fields.contains(where: { !$0.isEmpty }) else {
            throw error(1, nil, "the header row is missing", "start with a row of parameter paths, e.g. policy.contract_months,demand.trend")
        }
        let header = headerRecord.fields
        var specs: [ParameterSpec] = []
        for name in header {
            if name.isEmpty {
                throw error(1, nil, "a column has no name (row names, as R's write.csv and pandas' to_csv write them by default)",
                            "drop that column: write.csv(d, row.names = FALSE) in R, d.to_csv(path, index=False) in pandas")
            }
            guard let sp = ScenarioParser.specPath(name), let spec = ParameterCatalog.spec(sp) else {
                throw error(1, name, "unknown parameter path", ScenarioParser.unknownPathFix(name))
            }
            if sp == "simulation.seed" {
                throw error(1, name, "the seed cannot be a design column: replications derive their seeds from the study seed", "remove the column; use [study] replications")
            }
            if header.filter({ ScenarioParser.target($0) == ScenarioParser.target(name) }).count > 1 {
                throw error(1, name, "named twice in the header", "keep one column per parameter")
            }
            specs.append(spec)
        }
        var points: [[ParamValue]] = []
        for record in records.dropFirst() {
            let cells = record.fields
            guard cells.count == specs.count else {
                throw error(record.line, nil, "\(cells.count) values for \(specs.count) parameters", "give one value per header column")
            }
            var point: [ParamValue] = []
            for (cell, (spec, name)) in zip(cells, zip(specs, header)) {
                switch value(cell, spec: spec) {
                case .success(let v): point.append(v)
                case .failure(let f): throw error(record.line, name, f.message, f.fix)
                }
            }
            points.append(point)
            if points.count > maxPoints { throw error(record.line, nil, "more than 1,000,000 points", "split the design into several studies") }
        }
        guard !points.isEmpty else { throw error(2, nil, "no points (only a header)", "add one row per point") }
        return (header, points)
    }

    struct Problem: Error { let message: String, fix: String }

    /// A number no double holds (`1e999`), or not a number at all (`nan`, `inf`).
    static func beyondRange(_ cell: String) -> Problem {
        let word = cell.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
        if ["nan", "inf", "infinity"].contains(word) { return Problem(message: "\"\(cell)\" is not a finite number", fix: "write a finite number, e.g. 0.5") }
        return Problem(message: "\(cell) is beyond what a number can hold", fix: "give a value within the parameter's range (`commissim params` lists it)")
    }

    /// A cell as the value of `spec`: numbers in range, whole numbers, true/false, choices.
    static func value(_ cell: String, spec: ParameterSpec) -> Result<ParamValue, Problem> {
        func inRange(_ x: Double) -> Problem? {
            guard let r = spec.range, !r.contains(x) else { return nil }
            return Problem(message: "value \(Format.number(x)) is out of range \(Format.range(r))", fix: "keep values within \(Format.range(r))")
        }
        switch spec.kind {
        case .real, .distribution:
            guard let x = Double(cell) else { return .failure(Problem(message: "\"\(cell)\" is not a number", fix: "write a number, e.g. 0.5")) }
            guard x.isFinite else { return .failure(beyondRange(cell)) }
            if let p = inRange(x) { return .failure(p) }
            return .success(spec.kind == .real ? .real(x) : .distribution(.fixed(x)))
        case .integer:
            guard let x = Double(cell), x.isNaN || x.isInfinite || x == x.rounded() else {
                return .failure(Problem(message: "\"\(cell)\" is not a whole number", fix: "write a whole number, e.g. 36"))
            }
            guard x.isFinite else { return .failure(beyondRange(cell)) }
            if let p = inRange(x) { return .failure(p) }
            guard abs(x) < 9e15 else { return .failure(beyondRange(cell)) }
            return .success(.integer(Int(x)))
        case .flag:
            // Any case: pandas writes True, R and spreadsheets TRUE.
            let word = cell.lowercased()
            guard word == "true" || word == "false" else { return .failure(Problem(message: "\"\(cell)\" is not true or false", fix: "write true or false")) }
            return .success(.flag(word == "true"))
        case .choice(let options):
            guard options.contains(cell) else { return .failure(Problem(message: "\"\(cell)\" is not a valid choice", fix: "use one of: " + options.joined(separator: ", "))) }
            return .success(.text(cell))
        case .text:
            return .success(.text(cell))
        case .choices(let options):
            let items = cell.split(separator: " ").map(String.init)
            guard items.allSatisfy(options.contains) else {
                return .failure(Problem(message: "\"\(cell)\" is not a space-separated list of valid entries", fix: "use any of: " + options.joined(separator: ", ")))
            }
            return .success(.list(items))
        }
    }
}
