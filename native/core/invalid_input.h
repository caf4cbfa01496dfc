// The error type of a caller's mistake.

#pragma once

#include <stdexcept>

namespace mnemo {

// A caller mistake (bad argument or vector); the binding turns it into a JS TypeError.
class InvalidInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mnemo
