{
  "targets": [
    {
      "target_name": "mnemo_hnsw",
      "sources": [
        "native/core/batch.cc",
        "native/core/exact_search.cc",
        "native/core/graph_checks.cc",
        "native/core/graph_search.cc",
        "native/core/huge_pages.cc",
        "native/core/index_core.cc",
        "native/core/kernels_neon.cc",
        "native/core/kernels_scalar.cc",
        "native/core/kernels_x86.cc",
        "native/core/normalise.cc",
        "native/core/persistence.cc",
        "native/core/simd.cc",
        "native/binding/addon.cc",
        "native/binding/args.cc",
        "native/binding/filter_args.cc",
        "native/binding/hnsw_index_wrap.cc",
        "native/binding/promise_worker.cc",
        "native/binding/simd_choice.cc",
        "native/binding/workers.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('path').dirname(require.resolve('node-addon-api/package.json'))\")",
        "native",
        "native/vendor"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
      "cflags": ["-O3", "<!@(node -p \"process.env.MNEMO_NATIVE_MARCH ? '-march=' + process.env.MNEMO_NATIVE_MARCH : ''\")"],
      "cflags_cc": ["-std=c++17", "-fexceptions"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CFLAGS": ["-O3"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": {
          "ExceptionHandling": 1,
          "AdditionalOptions": ["/std:c++17"]
        }
      }
    }
  ]
}
