// Tests for the flow-matching solvers on a problem with a known exact flow: Gaussian data.
#include "sampling/sampler.h"

#include <cmath>

#include <gtest/gtest.h>

#include "core/error.h"

namespace kinema::sampling {
namespace {

// Data x0 ~ N(mu, s^2), noise ~ N(0, 1), x_t = (1 - t) x0 + t noise. The marginal is N(m_t, v_t) with
// m_t = (1 - t) mu, v_t = (1 - t)^2 s^2 + t^2, and the probability-flow velocity is
// v(x, t) = -mu + (t - (1 - t) s^2) / v_t * (x - m_t). Its exact solution maps noise e to mu + s e.
constexpr double kMu = 1.5, kS = 0.4;

Velocity gaussian_velocity() {
  return [](const State& x, double t) {
    const double m = (1 - t) * kMu, v = (1 - t) * (1 - t) * kS * kS + t * t;
    return State{(x[0] - m) * ((t - (1 - t) * kS * kS) / v) - kMu};
  };
}

double std_at(double t) { return std::sqrt((1 - t) * (1 - t) * kS * kS + t * t); }

// Largest error integrating from t = from to t = to in `steps` uniform steps, against the exact flow
// x_t = m_t + sqrt(v_t) z (z fixed along a path).
double error_between(Solver solver, int steps, double from, double to) {
  const auto z = torch::linspace(-2.5, 2.5, 101, torch::kDouble);
  std::vector<double> ts(steps + 1);
  for (int i = 0; i <= steps; ++i) ts[i] = from + (to - from) * i / steps;
  const auto start = z * std_at(from) + (1 - from) * kMu;
  const auto exact = z * std_at(to) + (1 - to) * kMu;
  const auto x = sample({start}, ts, solver, gaussian_velocity());
  return (x[0] - exact).abs().max().item<double>();
}

double error_with(Solver solver, int steps, double shift) {
  const auto noise = torch::linspace(-2.5, 2.5, 101, torch::kDouble);
  const auto x = sample({noise}, flow_timesteps(steps, shift), solver, gaussian_velocity());
  return (x[0] - (noise * kS + kMu)).abs().max().item<double>();
}

// Observed order: log2 of the error ratio as the step count doubles.
double observed_order(Solver solver, double shift) { return std::log2(error_with(solver, 16, shift) / error_with(solver, 32, shift)); }
double interior_order(Solver solver) {
  return std::log2(error_between(solver, 32, 0.9, 0.1) / error_between(solver, 64, 0.9, 0.1));
}

TEST(Sampler, EulerConvergesAtFirstOrder) {
  for (double shift : {1.0, 3.0}) EXPECT_NEAR(observed_order(Solver::euler, shift), 1.0, 0.25) << "shift " << shift;
  EXPECT_NEAR(interior_order(Solver::euler), 1.0, 0.2);
}

TEST(Sampler, HeunConvergesAtSecondOrder) {
  for (double shift : {1.0, 3.0}) EXPECT_NEAR(observed_order(Solver::heun, shift), 2.0, 0.35) << "shift " << shift;
  EXPECT_NEAR(interior_order(Solver::heun), 2.0, 0.25);
}

// UniPC steps in lambda = log((1 - t) / t), which runs to -infinity at t = 1: the first steps from pure
// noise have lambda-sizes that do not shrink with the step count, so its order shows away from t = 1.
TEST(Sampler, UniPcConvergesAtSecondOrder) {
  EXPECT_NEAR(interior_order(Solver::unipc), 2.0, 0.3);
  for (double shift : {1.0, 3.0})
    EXPECT_LT(error_with(Solver::unipc, 64, shift), error_with(Solver::unipc, 16, shift) / 4) << "shift " << shift;
}

TEST(Sampler, HigherOrderSolversBeatEulerAtEqualSteps) {
  EXPECT_LT(error_with(Solver::heun, 20, 1.0), error_with(Solver::euler, 20, 1.0) / 10);
  EXPECT_LT(error_with(Solver::unipc, 20, 1.0), error_with(Solver::euler, 20, 1.0) / 5);
  EXPECT_LT(error_between(Solver::unipc, 20, 0.9, 0.1), error_between(Solver::euler, 20, 0.9, 0.1) / 5);
}

TEST(Sampler, ShiftedTimestepsRunFromOneToZeroAndSpendMoreStepsNearNoise) {
  const auto plain = flow_timesteps(10, 1.0), shifted = flow_timesteps(10, 3.0);
  ASSERT_EQ(shifted.size(), 11u);
  EXPECT_DOUBLE_EQ(shifted.front(), 1.0);
  EXPECT_DOUBLE_EQ(shifted.back(), 0.0);
  for (size_t i = 1; i + 1 < shifted.size(); ++i) {
    EXPECT_LT(shifted[i], shifted[i - 1]);
    EXPECT_GT(shifted[i], plain[i]);
  }
}

TEST(Sampler, HeldStateEndsExactlyAtItsTarget) {
  const auto target = torch::full({4}, 0.25, torch::kDouble);
  const auto noise = torch::randn({8}, torch::kDouble);
  const auto held_noise = noise.narrow(0, 0, 4).clone();
  for (Solver solver : {Solver::euler, Solver::heun, Solver::unipc}) {
    const auto x = sample({noise.clone()}, flow_timesteps(6, 2.0), solver, gaussian_velocity(),
                          [&](State& s, double t) { s[0].narrow(0, 0, 4).copy_(target * (1 - t) + held_noise * t); });
    EXPECT_TRUE(torch::allclose(x[0].narrow(0, 0, 4), target)) << solver_name(solver);
  }
}

TEST(Sampler, ProgressIsReportedEveryStepAndCanCancel) {
  std::vector<int> seen;
  sample({torch::zeros({2})}, flow_timesteps(5, 1.0), Solver::euler, gaussian_velocity(), {}, [&](int step, int steps) {
    EXPECT_EQ(steps, 5);
    seen.push_back(step);
    return true;
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5}));

  int calls = 0;
  try {
    sample({torch::zeros({2})}, flow_timesteps(5, 1.0), Solver::heun, gaussian_velocity(), {},
           [&](int step, int) { return ++calls < 3; });
    FAIL() << "expected cancellation";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::cancelled);
  }
  EXPECT_EQ(calls, 3);
}

TEST(Sampler, UnknownSolverIsRejected) { EXPECT_THROW(parse_solver("dpm"), Error); }

}  // namespace
}  // namespace kinema::sampling
