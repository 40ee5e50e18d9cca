// swift-tools-version:6.0
// commissim: an agent-based simulation of commissioner–provider markets for children's services.
import PackageDescription

let package = Package(
    name: "commissim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "commissim", targets: ["commissim"]),
        .library(name: "CommissimModel", targets: ["CommissimModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // GSL (GNU Scientific Library) through pkg-config; see Sources/CGSL/shim.h.
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // Engine: random-number streams, seed derivation, parallel execution of independent runs.
        .target(name: "CommissimEngine", dependencies: ["CGSL", "CMemory"]),
        // Memory for the model's hot loops: a prefetch hint, and record blocks on huge pages.
        .target(name: "CMemory"),
        // Model: agents, mechanisms, the monthly schedule and the parameter catalogue.
        // The monthly loop touches arrays of a class millions of times: dynamic exclusivity checks
        // cost about a third of the run time, so release builds of the model skip them.
        .target(
            name: "CommissimModel",
            dependencies: ["CommissimEngine"],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // Edges: scenario files in (TOML), CSV and manifests out.
        .target(
            name: "CommissimIO",
            dependencies: ["CommissimModel", "CommissimEngine", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // The thin command-line interface.
        .executableTarget(
            name: "commissim",
            dependencies: [
                "CommissimIO", "CommissimModel", "CommissimEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fuzz target over the parsers: a corpus replayer here, a libFuzzer target when
        // scripts/fuzz.sh builds it with FUZZING and -sanitize=fuzzer.
        .executableTarget(name: "CommissimFuzz", dependencies: ["CommissimIO"]),
        .testTarget(
            name: "CommissimTests",
            dependencies: ["CommissimIO", "CommissimModel", "CommissimEngine", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
    ]
)
