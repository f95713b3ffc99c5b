// Flow-matching solvers: Euler, Heun (2nd order), and UniPC (2nd-order predictor-corrector, Zhao et al. 2023,
// B(h) = expm1(h) variant, data prediction, lower order at the first and last step).
#include "sampling/sampler.h"

#include <cmath>
#include <limits>

#include "core/error.h"

namespace kinema::sampling {
namespace {

State axpby(double a, const State& x, double b, const State& y) {
  State out;
  out.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i) out.push_back(x[i] * a + y[i] * b);
  return out;
}

void check_progress(const Progress& progress, int step, int steps) {
  if (progress && !progress(step, steps)) fail(ErrorKind::cancelled, "generation cancelled");
}

State euler(State x, const std::vector<double>& ts, const Velocity& f, const Constraint& hold, const Progress& progress) {
  const int steps = static_cast<int>(ts.size()) - 1;
  for (int i = 0; i < steps; ++i) {
    x = axpby(1.0, x, ts[i + 1] - ts[i], f(x, ts[i]));
    if (hold) hold(x, ts[i + 1]);
    check_progress(progress, i + 1, steps);
  }
  return x;
}

State heun(State x, const std::vector<double>& ts, const Velocity& f, const Constraint& hold, const Progress& progress) {
  const int steps = static_cast<int>(ts.size()) - 1;
  for (int i = 0; i < steps; ++i) {
    const double dt = ts[i + 1] - ts[i];
    const State v1 = f(x, ts[i]);
    State predicted = axpby(1.0, x, dt, v1);
    if (ts[i + 1] > 0.0) {
      if (hold) hold(predicted, ts[i + 1]);
      const State v2 = f(predicted, ts[i + 1]);
      x = axpby(1.0, x, dt * 0.5, axpby(1.0, v1, 1.0, v2));
    } else {
      x = std::move(predicted);
    }
    if (hold) hold(x, ts[i + 1]);
    check_progress(progress, i + 1, steps);
  }
  return x;
}

// UniPC in the flow parameterisation: alpha_t = 1 - t, sigma_t = t, lambda_t = log(alpha_t / sigma_t),
// and the model's data prediction x0 = x - t v.
double lambda_of(double t) { return std::log(1.0 - t) - std::log(t); }

State unipc(State x, const std::vector<double>& ts, const Velocity& f, const Constraint& hold, const Progress& progress) {
  const int steps = static_cast<int>(ts.size()) - 1;
  State m_prev, m_prev2;    // data predictions at ts[i - 1] and ts[i - 2]
  State x_prev;             // the sample at ts[i - 1] the last predictor started from
  int last_order = 0;       // order the last predictor used
  for (int i = 0; i < steps; ++i) {
    const double s0 = ts[i], t = ts[i + 1];
    const State v = f(x, s0);
    const State m0 = axpby(1.0, x, -s0, v);

    if (i > 0) {  // corrector: refine x at s0 with the new evaluation (UniC), no extra model call
      const double s_prev = ts[i - 1];
      const double h = lambda_of(s0) - lambda_of(s_prev);
      const double hh = -h, h_phi_1 = std::expm1(hh), b_h = std::expm1(hh);
      const double alpha = 1.0 - s0;
      State corrected = axpby(s0 / s_prev, x_prev, -alpha * h_phi_1, m_prev);
      const State d1_t = axpby(1.0, m0, -1.0, m_prev);
      if (last_order == 1) {
        corrected = axpby(1.0, corrected, -alpha * b_h * 0.5, d1_t);
      } else {
        const double r1 = (lambda_of(ts[i - 2]) - lambda_of(s_prev)) / h;
        const State d1 = axpby(1.0 / r1, m_prev2, -1.0 / r1, m_prev);
        // Solve [[1, 1], [r1, 1]] rho = b with b_k from the phi functions of hh.
        double h_phi_k = h_phi_1 / hh - 1.0;
        const double b1 = h_phi_k / b_h;
        h_phi_k = h_phi_k / hh - 0.5;
        const double b2 = h_phi_k * 2.0 / b_h;
        const double rho0 = (b1 - b2) / (1.0 - r1);
        const double rho1 = b1 - rho0;
        corrected = axpby(1.0, corrected, -alpha * b_h * rho0, d1);
        corrected = axpby(1.0, corrected, -alpha * b_h * rho1, d1_t);
      }
      x = std::move(corrected);
      if (hold) hold(x, s0);
    }

    // Predictor (UniP): second order when a finite earlier point exists and this is not the last step.
    const bool second = i > 0 && i < steps - 1 && std::isfinite(lambda_of(ts[i - 1]));
    const int order = second ? 2 : 1;
    State next;
    if (t <= 0.0) {
      next = m0;  // sigma = 0: the data prediction itself
    } else {
      const double h = lambda_of(t) - lambda_of(s0);
      const double hh = -h, h_phi_1 = std::expm1(hh), b_h = std::expm1(hh);
      const double alpha = 1.0 - t;
      next = axpby(t / s0, x, -alpha * h_phi_1, m0);
      if (order == 2) {
        const double r1 = (lambda_of(ts[i - 1]) - lambda_of(s0)) / h;
        const State d1 = axpby(1.0 / r1, m_prev, -1.0 / r1, m0);
        next = axpby(1.0, next, -alpha * b_h * 0.5, d1);
      }
    }
    x_prev = x;
    m_prev2 = std::move(m_prev);
    m_prev = m0;
    last_order = order;
    x = std::move(next);
    if (hold) hold(x, t);
    check_progress(progress, i + 1, steps);
  }
  return x;
}

}  // namespace

Solver parse_solver(const std::string& name) {
  if (name == "euler") return Solver::euler;
  if (name == "heun") return Solver::heun;
  if (name == "unipc") return Solver::unipc;
  fail(ErrorKind::invalid_input, "unknown solver '" + name + "' (choose euler, heun or unipc)");
}

const char* solver_name(Solver solver) {
  switch (solver) {
    case Solver::euler: return "euler";
    case Solver::heun: return "heun";
    case Solver::unipc: return "unipc";
  }
  return "?";
}

int evaluations(Solver solver, int steps) { return solver == Solver::heun ? 2 * steps - 1 : steps; }

std::vector<double> flow_timesteps(int steps, double shift) {
  if (steps < 1) fail(ErrorKind::invalid_input, "steps must be at least 1");
  std::vector<double> ts(steps + 1);
  for (int i = 0; i <= steps; ++i) {
    const double t = 1.0 - static_cast<double>(i) / steps;
    ts[i] = shift * t / (1.0 + (shift - 1.0) * t);
  }
  ts.back() = 0.0;
  return ts;
}

State sample(State x, const std::vector<double>& timesteps, Solver solver, const Velocity& velocity,
             const Constraint& constraint, const Progress& progress) {
  const int steps = static_cast<int>(timesteps.size()) - 1;
  if (constraint) constraint(x, timesteps.front());
  check_progress(progress, 0, steps);
  switch (solver) {
    case Solver::euler: return euler(std::move(x), timesteps, velocity, constraint, progress);
    case Solver::heun: return heun(std::move(x), timesteps, velocity, constraint, progress);
    case Solver::unipc: return unipc(std::move(x), timesteps, velocity, constraint, progress);
  }
  return x;
}

}  // namespace kinema::sampling
