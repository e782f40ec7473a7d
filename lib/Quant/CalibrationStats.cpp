//===- CalibrationStats.cpp - recording, merging and saving statistics ----===//

#include "qmlir/Quant/Calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace qmlir;
using namespace qmlir::calib;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string formatNumber(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", v);
  return buffer;
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

Histogram::Histogram(double maxAbs, unsigned bins)
    : maxAbs(maxAbs), pos(bins, 0), neg(bins, 0) {}

unsigned Histogram::binOf(double magnitude) const {
  unsigned last = bins() - 1;
  if (!(maxAbs > 0.0))
    return last;
  double scaled = magnitude / maxAbs * bins();
  if (!(scaled < static_cast<double>(last)))
    return last;
  return static_cast<unsigned>(scaled);
}

void Histogram::add(float x) {
  if (x == 0.0f) {
    ++zeros;
    return;
  }
  unsigned b = binOf(std::fabs(static_cast<double>(x)));
  ++(x > 0.0f ? pos : neg)[b];
}

uint64_t Histogram::total() const {
  uint64_t t = zeros;
  for (unsigned i = 0; i < bins(); ++i)
    t += pos[i] + neg[i];
  return t;
}

std::vector<uint64_t> Histogram::magnitudes() const {
  std::vector<uint64_t> m(bins());
  for (unsigned i = 0; i < bins(); ++i)
    m[i] = pos[i] + neg[i];
  if (!m.empty())
    m[0] += zeros;
  return m;
}

bool Histogram::hasNegative() const {
  return llvm::any_of(neg, [](uint64_t n) { return n != 0; });
}

bool Histogram::hasPositive() const {
  return llvm::any_of(pos, [](uint64_t n) { return n != 0; });
}

double TensorStats::tensorMin() const {
  return min.empty() ? 0.0 : *std::min_element(min.begin(), min.end());
}

double TensorStats::tensorMax() const {
  return max.empty() ? 0.0 : *std::max_element(max.begin(), max.end());
}

//===----------------------------------------------------------------------===//
// TensorObserver
//===----------------------------------------------------------------------===//

static void resetExtrema(std::vector<double> &min, std::vector<double> &max,
                         int64_t channels) {
  min.assign(channels, std::numeric_limits<double>::infinity());
  max.assign(channels, -std::numeric_limits<double>::infinity());
}

TensorObserver::TensorObserver(int64_t channels, int64_t batchSize,
                               bool keepBatches)
    : batchSize(std::max<int64_t>(batchSize, 1)), keepBatches(keepBatches) {
  result.channels = std::max<int64_t>(channels, 1);
  resetExtrema(result.min, result.max, result.channels);
  resetExtrema(current.min, current.max, result.channels);
}

bool TensorObserver::addSample(const float *values, int64_t count) {
  int64_t channels = result.channels;
  for (int64_t base = 0; base < count; base += channels) {
    int64_t n = std::min(channels, count - base);
    for (int64_t c = 0; c < n; ++c) {
      float v = values[base + c];
      if (!std::isfinite(v))
        return false;
      double d = v;
      result.min[c] = std::min(result.min[c], d);
      result.max[c] = std::max(result.max[c], d);
      if (keepBatches) {
        current.min[c] = std::min(current.min[c], d);
        current.max[c] = std::max(current.max[c], d);
      }
    }
  }
  ++result.samples;
  if (keepBatches && ++current.samples == batchSize)
    finishSamples();
  return true;
}

void TensorObserver::finishSamples() {
  if (!keepBatches || current.samples == 0)
    return;
  result.batches.push_back(current);
  current = BatchExtrema();
  resetExtrema(current.min, current.max, result.channels);
}

void TensorObserver::startHistogram(double maxAbs, unsigned bins) {
  result.histogram = Histogram(maxAbs, bins);
}

void TensorObserver::addToHistogram(const float *values, int64_t count) {
  Histogram &h = *result.histogram;
  for (int64_t i = 0; i < count; ++i)
    h.add(values[i]);
}

//===----------------------------------------------------------------------===//
// Merge
//===----------------------------------------------------------------------===//

llvm::Expected<bool> calib::merge(TensorStats &into, const TensorStats &from,
                                  llvm::StringRef name, int64_t batchSize) {
  if (into.channels != from.channels)
    return makeError("tensor '" + name + "' has " + llvm::Twine(into.channels) +
                     " channels in one file and " +
                     llvm::Twine(from.channels) + " in another");
  bool exact = true;
  for (int64_t c = 0; c < into.channels; ++c) {
    into.min[c] = std::min(into.min[c], from.min[c]);
    into.max[c] = std::max(into.max[c], from.max[c]);
  }
  if (!into.batches.empty() && !from.batches.empty() &&
      into.batches.back().samples != batchSize)
    exact = false;
  into.batches.insert(into.batches.end(), from.batches.begin(),
                      from.batches.end());
  into.samples += from.samples;
  if (into.histogram.has_value() != from.histogram.has_value())
    return makeError("tensor '" + name +
                     "' has a histogram in one file but not in another");
  if (into.histogram) {
    Histogram &a = *into.histogram;
    const Histogram &b = *from.histogram;
    if (a.maxAbs != b.maxAbs || a.bins() != b.bins())
      return makeError(
          "histograms of tensor '" + name + "' cover different ranges (" +
          formatNumber(a.maxAbs) + " and " + formatNumber(b.maxAbs) +
          "): calibrate every shard with the same range-from file");
    for (unsigned i = 0; i < a.bins(); ++i) {
      a.pos[i] += b.pos[i];
      a.neg[i] += b.neg[i];
    }
    a.zeros += b.zeros;
  }
  return exact;
}

llvm::Expected<bool> calib::merge(StatsFile &into, const StatsFile &from) {
  if (into.method != from.method)
    return makeError("cannot merge statistics of method " +
                     stringifyMethod(into.method) + " and " +
                     stringifyMethod(from.method));
  if (into.batchSize != from.batchSize)
    return makeError("cannot merge statistics of batch size " +
                     llvm::Twine(into.batchSize) + " and " +
                     llvm::Twine(from.batchSize));
  if (into.bins != from.bins)
    return makeError("cannot merge histograms of " + llvm::Twine(into.bins) +
                     " and " + llvm::Twine(from.bins) + " bins");
  if (into.tensors.size() != from.tensors.size())
    return makeError("cannot merge statistics of " +
                     llvm::Twine(into.tensors.size()) + " and " +
                     llvm::Twine(from.tensors.size()) + " tensors");
  bool exact = true;
  for (auto &[name, stats] : into.tensors) {
    auto it = from.tensors.find(name);
    if (it == from.tensors.end())
      return makeError("tensor '" + name + "' is missing from one file");
    auto e = merge(stats, it->second, name, into.batchSize);
    if (!e)
      return e.takeError();
    exact &= *e;
  }
  return exact;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

static constexpr llvm::StringLiteral kFormat = "qmlir-calibration-stats";

static llvm::json::Array numbers(const std::vector<double> &values) {
  llvm::json::Array a;
  for (double v : values)
    a.push_back(v);
  return a;
}

static llvm::json::Array counts(const std::vector<uint64_t> &values) {
  llvm::json::Array a;
  for (uint64_t v : values)
    a.push_back(static_cast<int64_t>(v));
  return a;
}

llvm::json::Value calib::toJSON(const StatsFile &file) {
  llvm::json::Object tensors;
  for (const auto &[name, s] : file.tensors) {
    llvm::json::Object t{{"samples", s.samples},
                         {"channels", s.channels},
                         {"min", numbers(s.min)},
                         {"max", numbers(s.max)}};
    if (!s.batches.empty()) {
      llvm::json::Array batches;
      for (const BatchExtrema &b : s.batches)
        batches.push_back(llvm::json::Object{{"samples", b.samples},
                                             {"min", numbers(b.min)},
                                             {"max", numbers(b.max)}});
      t["batches"] = std::move(batches);
    }
    if (s.histogram)
      t["histogram"] =
          llvm::json::Object{{"max_abs", s.histogram->maxAbs},
                             {"zeros", static_cast<int64_t>(s.histogram->zeros)},
                             {"pos", counts(s.histogram->pos)},
                             {"neg", counts(s.histogram->neg)}};
    tensors[name] = std::move(t);
  }
  return llvm::json::Object{{"format", kFormat},
                            {"version", 1},
                            {"method", stringifyMethod(file.method)},
                            {"batch_size", file.batchSize},
                            {"bins", static_cast<int64_t>(file.bins)},
                            {"tensors", std::move(tensors)}};
}

namespace {

/// Reads values out of the parsed JSON with one-line errors naming the
/// file and the key.
class Reader {
public:
  explicit Reader(llvm::StringRef source) : source(source) {}

  llvm::Error error(const llvm::Twine &where, const llvm::Twine &what) {
    return makeError(source + ": " + where + ": " + what);
  }

  llvm::Expected<const llvm::json::Object *>
  object(const llvm::json::Object &o, llvm::StringRef key,
         const llvm::Twine &where) {
    const llvm::json::Object *v = o.getObject(key);
    if (!v)
      return error(where, "'" + key + "' must be an object");
    return v;
  }

  llvm::Expected<double> number(const llvm::json::Object &o,
                                llvm::StringRef key, const llvm::Twine &where) {
    std::optional<double> v = o.getNumber(key);
    if (!v || !std::isfinite(*v))
      return error(where, "'" + key + "' must be a finite number");
    return *v;
  }

  llvm::Expected<int64_t> integer(const llvm::json::Object &o,
                                  llvm::StringRef key, const llvm::Twine &where,
                                  int64_t lo) {
    std::optional<int64_t> v = o.getInteger(key);
    if (!v || *v < lo)
      return error(where, "'" + key + "' must be an integer >= " +
                              llvm::Twine(lo));
    return *v;
  }

  llvm::Expected<std::vector<double>> numbers(const llvm::json::Object &o,
                                              llvm::StringRef key,
                                              const llvm::Twine &where,
                                              size_t size) {
    const llvm::json::Array *a = o.getArray(key);
    if (!a || a->size() != size)
      return error(where, "'" + key + "' must be an array of " +
                              llvm::Twine(size) + " numbers");
    std::vector<double> out;
    for (const llvm::json::Value &v : *a) {
      std::optional<double> d = v.getAsNumber();
      if (!d || !std::isfinite(*d))
        return error(where, "'" + key + "' must hold finite numbers");
      out.push_back(*d);
    }
    return out;
  }

  llvm::Expected<std::vector<uint64_t>> counts(const llvm::json::Object &o,
                                               llvm::StringRef key,
                                               const llvm::Twine &where,
                                               size_t size) {
    const llvm::json::Array *a = o.getArray(key);
    if (!a || a->size() != size)
      return error(where, "'" + key + "' must be an array of " +
                              llvm::Twine(size) + " counts");
    std::vector<uint64_t> out;
    for (const llvm::json::Value &v : *a) {
      std::optional<int64_t> n = v.getAsInteger();
      if (!n || *n < 0)
        return error(where, "'" + key + "' must hold counts >= 0");
      out.push_back(static_cast<uint64_t>(*n));
    }
    return out;
  }

  llvm::Error unknownKeys(const llvm::json::Object &o,
                          std::initializer_list<llvm::StringRef> known,
                          const llvm::Twine &where) {
    for (const auto &kv : o)
      if (!llvm::is_contained(known, kv.first.str()))
        return error(where, "unknown key '" + kv.first.str() + "'");
    return llvm::Error::success();
  }

private:
  std::string source;
};

} // namespace

llvm::Expected<StatsFile> calib::parseStatsFile(llvm::StringRef text,
                                                llvm::StringRef source) {
  Reader r(source);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return makeError(source + ": invalid JSON: " +
                     llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  if (!root || root->getString("format") != kFormat)
    return makeError(source + ": not a qmlir calibration statistics file "
                              "(\"format\": \"" +
                     kFormat + "\" expected)");
  if (auto e = r.unknownKeys(*root,
                             {"format", "version", "method", "batch_size",
                              "bins", "tensors"},
                             "top level"))
    return std::move(e);
  if (root->getInteger("version") != 1)
    return r.error("top level", "'version' must be 1");
  StatsFile file;
  std::optional<llvm::StringRef> method = root->getString("method");
  std::optional<Method> m = method ? parseMethod(*method) : std::nullopt;
  if (!m)
    return r.error("top level", "'method' must be one of minmax, moving-max, "
                                "moving-average, percentile, entropy, mse");
  file.method = *m;
  auto batchSize = r.integer(*root, "batch_size", "top level", 1);
  auto bins = r.integer(*root, "bins", "top level", 0);
  if (!batchSize)
    return batchSize.takeError();
  if (!bins)
    return bins.takeError();
  file.batchSize = *batchSize;
  file.bins = static_cast<unsigned>(*bins);
  auto tensors = r.object(*root, "tensors", "top level");
  if (!tensors)
    return tensors.takeError();
  for (const auto &kv : **tensors) {
    std::string name = kv.first.str();
    std::string where = "tensor '" + name + "'";
    const llvm::json::Object *t = kv.second.getAsObject();
    if (!t)
      return r.error(where, "must be an object");
    if (auto e = r.unknownKeys(
            *t, {"samples", "channels", "min", "max", "batches", "histogram"},
            where))
      return std::move(e);
    TensorStats s;
    auto samples = r.integer(*t, "samples", where, 1);
    auto channels = r.integer(*t, "channels", where, 1);
    if (!samples)
      return samples.takeError();
    if (!channels)
      return channels.takeError();
    s.samples = *samples;
    s.channels = *channels;
    auto mins = r.numbers(*t, "min", where, s.channels);
    auto maxs = r.numbers(*t, "max", where, s.channels);
    if (!mins)
      return mins.takeError();
    if (!maxs)
      return maxs.takeError();
    s.min = std::move(*mins);
    s.max = std::move(*maxs);
    if (const llvm::json::Array *batches = t->getArray("batches")) {
      for (auto [i, bv] : llvm::enumerate(*batches)) {
        std::string bwhere = where + " batch " + std::to_string(i);
        const llvm::json::Object *b = bv.getAsObject();
        if (!b)
          return r.error(bwhere, "must be an object");
        BatchExtrema be;
        auto bs = r.integer(*b, "samples", bwhere, 1);
        auto bmin = r.numbers(*b, "min", bwhere, s.channels);
        auto bmax = r.numbers(*b, "max", bwhere, s.channels);
        if (!bs)
          return bs.takeError();
        if (!bmin)
          return bmin.takeError();
        if (!bmax)
          return bmax.takeError();
        be.samples = *bs;
        be.min = std::move(*bmin);
        be.max = std::move(*bmax);
        s.batches.push_back(std::move(be));
      }
    } else if (t->get("batches")) {
      return r.error(where, "'batches' must be an array");
    }
    if (t->get("histogram")) {
      std::string hwhere = where + " histogram";
      auto h = r.object(*t, "histogram", where);
      if (!h)
        return h.takeError();
      Histogram hist;
      auto maxAbs = r.number(**h, "max_abs", hwhere);
      auto zeros = r.integer(**h, "zeros", hwhere, 0);
      auto pos = r.counts(**h, "pos", hwhere, file.bins);
      auto neg = r.counts(**h, "neg", hwhere, file.bins);
      if (!maxAbs)
        return maxAbs.takeError();
      if (!zeros)
        return zeros.takeError();
      if (!pos)
        return pos.takeError();
      if (!neg)
        return neg.takeError();
      if (file.bins == 0)
        return r.error(hwhere, "a histogram needs 'bins' > 0");
      hist.maxAbs = *maxAbs;
      hist.zeros = static_cast<uint64_t>(*zeros);
      hist.pos = std::move(*pos);
      hist.neg = std::move(*neg);
      s.histogram = std::move(hist);
    }
    file.tensors[name] = std::move(s);
  }
  return file;
}
