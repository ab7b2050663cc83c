// swift-tools-version:6.0
import Foundation
import PackageDescription

// Opt-in code generation for a newer CPU: `REC_TARGET_CPU=haswell swift build -c release`
// (AVX2 + FMA; or `native`) lets the numeric core's SIMD loops use 256-bit registers
// and fused multiply-add (about +10% in `rec bench train`). Off by default: the binary must run
// on any x86-64, and the flag is an unsafe one (shared/design/swift-notes.md).
let targetCPU = ProcessInfo.processInfo.environment["REC_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
let modelSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "rec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rec", targets: ["Workbench"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "Lang", targets: ["Lang"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Colour on a terminal (respects NO_COLOR; we switch it off when output is piped).
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
        // HMAC-SHA256 of the Jupyter kernel's messages (BoringSSL's, not a hand-written one).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Thin C bindings: OpenBLAS (cblas), libedit (never GNU readline), zlib (gzip files) and ZeroMQ.
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CEditLine", path: "Sources/CEditLine", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // ZeroMQ for the Jupyter kernel (`rec kernel`). No pkgConfig: libzmq's .pc adds
        // -isystem flags SwiftPM rejects, and zmq.h is in /usr/include anyway.
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ", providers: [.apt(["libzmq3-dev"])]),

        // The numeric core's hot element-wise loops in C, compiled for AVX-512, AVX2 and baseline
        // x86-64 and picked at start-up from the CPU: one portable binary, full width everywhere.
        .target(name: "CKernels"),
        // Numeric core: tensors, autodiff, layers, losses, optimizers. No language code.
        .target(name: "Model", dependencies: ["COpenBLAS", "CZlib", "CKernels"], swiftSettings: modelSettings),
        // The command language: lexer, parser, resolver, interpreter, builtins. No terminal code.
        .target(name: "Lang", dependencies: ["Model"]),
        // The `rec` executable: REPL, meta-commands, benchmarks, terminal output.
        .executableTarget(name: "Workbench", dependencies: [
            "Lang", "Model", "CEditLine", "CZMQ",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Rainbow", package: "Rainbow"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        .testTarget(name: "ModelTests", dependencies: ["Model", "CKernels"]),
        .testTarget(name: "LangTests", dependencies: ["Lang"], exclude: ["cases"]),  // golden cases, read by path
        // Runs the built `rec` (piped sessions, and the REPL under tmux).
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench"]),
    ],
    swiftLanguageModes: [.v6]
)
