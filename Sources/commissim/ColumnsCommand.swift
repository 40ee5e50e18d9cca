import ArgumentParser
import CommissimIO

struct ColumnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns",
        abstract: "List the columns of timeseries.csv (or councils.csv, providers.csv, comparison_groups.csv) with unit and meaning."
    )

    @Flag(help: "Print every table in Markdown (as in docs/COLUMNS.md).") var markdown = false
    @Flag(help: "The columns of councils.csv (`run --detail`).") var councils = false
    @Flag(help: "The columns of providers.csv (`run --detail`).") var providers = false
    @Flag(help: "The metrics of comparison_groups.csv (`compare --by`).") var groups = false
    @Flag(help: "Every table and the headline metrics (label, concern, better direction) as JSON, for reports and tools.") var json = false

    func run() {
        // Flags that cannot be honoured together are refused, not passed over (`--councils
        // --providers` printed the councils' alone).
        let given = [("--json", json), ("--markdown", markdown), ("--councils", councils), ("--providers", providers), ("--groups", groups)]
            .filter(\.1).map(\.0)
        if given.count > 1 {
            failWithInputErrors(ScenarioError(file: "commissim columns", line: nil, key: given.joined(separator: " "), message: "each chooses the list to print, so give one (--json and --markdown print every table)",
                                              fix: "give one of --councils, --providers, --groups, --markdown or --json (or none for timeseries.csv)"))
        }
        if json { StandardStreams.output(ParameterReference.columnsJSON()); return }
        let table: ParameterReference.ColumnTable = councils ? .councils : providers ? .providers : groups ? .groups : .timeseries
        StandardStreams.output(ParameterReference.columns(markdown: markdown, table: table))
    }
}
