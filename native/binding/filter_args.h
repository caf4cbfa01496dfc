// Reading the filters of searchEach() from JS.

#pragma once

#include <napi.h>

#include <vector>

#include "core/batch.h"

namespace mnemo::binding {

// filters: {bitmap: Uint32Array | null, ranges: {column: Float64Array, low, high, lowOpen,
// highOpen}[] | null}[], read into specs (bitmaps copied; columns read in place). The columns
// are appended to `columns`, which must outlive every search that reads them. A TypeError on
// any malformed filter.
std::vector<FilterSpec> ParseFilters(Napi::Env env, const Napi::Value& filters,
                                     std::vector<Napi::ObjectReference>& columns);

}  // namespace mnemo::binding
