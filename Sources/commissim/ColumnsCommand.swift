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
        if json { StandardStreams.output(ParameterReference.columnsJSON()); return }
        let table: ParameterReference.ColumnTable = councils ? .councils : providers ? .providers : groups ? .groups : .timeseries
        StandardStreams.output(ParameterReference.columns(markdown: markdown, table: table))
    }
}
