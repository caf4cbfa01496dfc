#include "binding/filter_args.h"

#include <cstdint>

#include "binding/args.h"

namespace mnemo::binding {
namespace {

// A filter's bitmap (nullish: none) and ranges (nullish: none), read into spec.
void ParseFilter(Napi::Env env, const Napi::Value& bitmap, const Napi::Value& ranges,
                 FilterSpec& spec, std::vector<Napi::ObjectReference>& columns) {
  spec.has_bitmap = !IsNullish(bitmap);
  if (spec.has_bitmap) {
    if (!bitmap.IsTypedArray() ||
        bitmap.As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
      ThrowType(env, "filter must be a Uint32Array");
    }
    spec.bitmap = CopyOf(bitmap.As<Napi::Uint32Array>());
  }
  if (IsNullish(ranges)) return;
  if (!ranges.IsArray()) ThrowType(env, "ranges must be an array or null");
  const Napi::Array list = ranges.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const Napi::Value item = list.Get(i);
    if (!item.IsObject()) ThrowType(env, "ranges[] must be objects");
    const Napi::Object range = item.As<Napi::Object>();
    const Napi::Value column = range.Get("column");
    if (!column.IsTypedArray() ||
        column.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
      ThrowType(env, "ranges[].column must be a Float64Array");
    }
    const Napi::Value low = range.Get("low");
    const Napi::Value high = range.Get("high");
    if (!low.IsNumber() || !high.IsNumber()) {
      ThrowType(env, "ranges[].low and ranges[].high must be numbers");
    }
    const auto values = column.As<Napi::Float64Array>();
    spec.ranges.push_back({values.Data(), values.ElementLength(),
                           low.As<Napi::Number>().DoubleValue(),
                           high.As<Napi::Number>().DoubleValue(),
                           range.Get("lowOpen").ToBoolean().Value(),
                           range.Get("highOpen").ToBoolean().Value()});
    columns.push_back(Napi::Persistent(column.As<Napi::Object>()));
  }
}

}  // namespace

std::vector<FilterSpec> ParseFilters(Napi::Env env, const Napi::Value& filters,
                                     std::vector<Napi::ObjectReference>& columns) {
  if (!filters.IsArray()) ThrowType(env, "filters must be an array");
  const Napi::Array list = filters.As<Napi::Array>();
  std::vector<FilterSpec> specs(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const Napi::Value item = list.Get(i);
    if (!item.IsObject()) ThrowType(env, "filters[] must be objects");
    const Napi::Object filter = item.As<Napi::Object>();
    ParseFilter(env, filter.Get("bitmap"), filter.Get("ranges"), specs[i], columns);
  }
  return specs;
}

}  // namespace mnemo::binding
