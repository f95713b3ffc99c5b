// Flow-matching (rectified flow) sampling: x_t = (1 - t) x_0 + t noise, the model predicts the velocity
// v = noise - x_0, and solvers integrate dx/dt = v from t = 1 to t = 0. Pure functions over tensors.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace kinema::sampling {

enum class Solver { euler, heun, unipc };

Solver parse_solver(const std::string& name);  // throws kinema::Error (invalid_input) for unknown names
const char* solver_name(Solver solver);
// Model evaluations a solver spends on `steps` steps (Heun evaluates twice per step but the last).
int evaluations(Solver solver, int steps);

// steps + 1 times from 1 down to 0, shifted toward the noisy end as SD3 and Wan do: t' = s t / (1 + (s - 1) t).
std::vector<double> flow_timesteps(int steps, double shift);

// Several tensors integrated together (video latents, audio latents).
using State = std::vector<torch::Tensor>;
// The velocity at (x, t); classifier-free guidance happens inside (see guided_velocity).
using Velocity = std::function<State(const State& x, double t)>;
// Replaces held parts of the state (conditioning frames) with their value at time t.
using Constraint = std::function<void(State& x, double t)>;
// Called before the first step with 0 and after step k with k; return false to cancel.
using Progress = std::function<bool(int step, int steps)>;

// Integrates from noise at timesteps[0] (= 1) to timesteps.back() (= 0). Throws kinema::Error (cancelled)
// when progress returns false. The returned state is the prediction at the last time.
State sample(State x, const std::vector<double>& timesteps, Solver solver, const Velocity& velocity,
             const Constraint& constraint = {}, const Progress& progress = {});

// Classifier-free guidance: uncond + scale (cond - uncond).
inline torch::Tensor guided_velocity(const torch::Tensor& cond, const torch::Tensor& uncond, double scale) {
  return uncond + (cond - uncond) * scale;
}

}  // namespace kinema::sampling
