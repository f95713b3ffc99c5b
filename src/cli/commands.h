// The `kinema` subcommands. Each takes the arguments after its name and returns the exit status.
#pragma once

#include <string>
#include <vector>

namespace kinema::cli {

// Exit statuses shared by every subcommand.
enum ExitStatus { kOk = 0, kFailed = 1, kUsage = 2, kRefused = 3 };

int run_generate(const std::vector<std::string>& args);
int run_info(const std::vector<std::string>& args);
int run_bench(const std::vector<std::string>& args);
int run_train(const std::vector<std::string>& args);
int run_world(const std::vector<std::string>& args);
int run_judge(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args);
int run_sheet(const std::vector<std::string>& args);
int run_verify(const std::vector<std::string>& args);
int run_check(const std::vector<std::string>& args);
int run_cameo(const std::vector<std::string>& args);

}  // namespace kinema::cli
