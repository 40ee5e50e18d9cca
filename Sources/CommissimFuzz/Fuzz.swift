// The fuzz target over the scenario and study parsers (scripts/fuzz.sh). Built with FUZZING
// (libFuzzer, `-sanitize=fuzzer`) it is a libFuzzer target; built normally it replays files or
// folders of inputs through the same function (the crash corpus under Tests/FuzzCorpus is kept as
// regression tests this way). Every input must end in a value or in an input error, never a crash.
import CommissimIO
import Foundation

/// Parses one input as a scenario, a sweep study, a comparison study, a calibration file and a
/// design CSV (and its first line as a moment expression), as `validate` and `calibrate` would.
func parseOne(_ data: Data) {
    guard let text = String(data: data, encoding: .utf8) else { return }
    _ = try? ScenarioParser.parse(text: text, file: "fuzz.toml")
    _ = try? Study.parse(text: text, file: "fuzz.toml")
    _ = try? ComparisonStudy.parse(text: text, file: "fuzz.toml")
    _ = try? Calibration.parse(text: text, file: "fuzz.toml")
    _ = try? DesignFile.parse(text: text, file: "fuzz.csv")
    if let line = text.split(separator: "\n").first { _ = try? MomentExpression.parse(String(line)) }
    var s = (try? ScenarioParser.parse(text: "", file: "empty.toml"))
    if s != nil, let line = text.split(separator: "\n").first { _ = try? ScenarioParser.applyOverride(String(line), to: &s!) }
}

#if FUZZING
/// libFuzzer's driver (compiler-rt), called from this executable's entry point: SwiftPM names an
/// executable's entry `<module>_main`, so libFuzzer's own `main` is not the one linked.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("CommissimFuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc, argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { bytes, size in
        parseOne(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
}
#else
@main
struct Replay {
    static func main() {
        var n = 0
        for arg in CommandLine.arguments.dropFirst() {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: arg, isDirectory: &isDir) else { continue }
            let files = isDir.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: arg)) ?? []).sorted().map { arg + "/" + $0 } : [arg]
            for f in files {
                guard let d = FileManager.default.contents(atPath: f) else { continue }
                parseOne(d)
                n += 1
            }
        }
        print("replayed \(n) inputs without a crash")
    }
}
#endif
