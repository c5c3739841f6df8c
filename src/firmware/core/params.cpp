#include "core/params.hpp"

#include <cstring>

namespace stacksim::fw {

ParamSet::ParamSet(const ssim_param* params, std::size_t count)
    : params_(params), count_(params ? count : 0) {}

const ssim_param* ParamSet::find(const char* key) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (params_[i].key && std::strcmp(params_[i].key, key) == 0) return &params_[i];
  }
  return nullptr;
}

bool ParamSet::has(const char* key) const { return find(key) != nullptr; }

std::int32_t ParamSet::get(const char* key, std::int32_t fallback) const {
  const ssim_param* p = find(key);
  return p ? p->value : fallback;
}

std::int32_t ParamSet::require(const char* key) const {
  const ssim_param* p = find(key);
  if (p) return p->value;
  remember_missing(key);
  return 0;
}

void ParamSet::remember_missing(const char* key) const {
  if (missing_count_ < kMaxRemembered) {
    auto& slot = missing_[missing_count_];
    std::strncpy(slot.data(), key, kMaxKeyLength);
    slot[kMaxKeyLength] = '\0';
  }
  ++missing_count_;
}

const char* ParamSet::missing(std::size_t i) const {
  if (i >= missing_count_ || i >= kMaxRemembered) return nullptr;
  return missing_[i].data();
}

bool ParamSet::format_key(char* out, std::size_t size, const char* prefix, int index,
                          const char* suffix) {
  if (size == 0) return false;
  char digits[12];
  std::size_t n = 0;
  unsigned magnitude = index < 0 ? 0u - static_cast<unsigned>(index) : static_cast<unsigned>(index);
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10u);
    magnitude /= 10u;
  } while (magnitude != 0 && n < sizeof digits);
  if (index < 0 && n < sizeof digits) digits[n++] = '-';
  std::size_t pos = 0;
  const auto put = [&](char c) {
    if (pos + 1 < size) {
      out[pos++] = c;
      return true;
    }
    return false;
  };
  bool ok = true;
  for (const char* p = prefix; *p; ++p) ok = put(*p) && ok;
  while (n > 0) ok = put(digits[--n]) && ok;
  for (const char* p = suffix; *p; ++p) ok = put(*p) && ok;
  out[pos] = '\0';
  return ok;
}

bool ParamSet::has(const char* prefix, int index, const char* suffix) const {
  char key[kMaxKeyLength + 1];
  return format_key(key, sizeof key, prefix, index, suffix) && has(key);
}

std::int32_t ParamSet::get(const char* prefix, int index, const char* suffix,
                           std::int32_t fallback) const {
  char key[kMaxKeyLength + 1];
  return format_key(key, sizeof key, prefix, index, suffix) ? get(key, fallback) : fallback;
}

std::int32_t ParamSet::require(const char* prefix, int index, const char* suffix) const {
  char key[kMaxKeyLength + 1];
  format_key(key, sizeof key, prefix, index, suffix);
  return require(key);
}

}  // namespace stacksim::fw
