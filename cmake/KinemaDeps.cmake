# Finds Kinema's dependencies: Debian 12 packages (cmake/setup.sh installs them) or a CUDA libtorch.

find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# libtorch: Debian's CPU build, or a CUDA build found through CMAKE_PREFIX_PATH
# (python3 -c 'import torch; print(torch.utils.cmake_prefix_path)').
find_package(Torch REQUIRED)
message(STATUS "libtorch ${Torch_VERSION} from ${Torch_DIR}")

find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)

# FFmpeg, OpenAL and SentencePiece have no CMake config on Debian: use pkg-config.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET
  libavformat libavcodec libavutil libswscale libswresample)
pkg_check_modules(OPENAL IMPORTED_TARGET openal)
pkg_check_modules(SENTENCEPIECE IMPORTED_TARGET sentencepiece)

# Kinema World and the trainer's plots.
find_package(box2d REQUIRED)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)

# Optional parts: the world (Box2D, Cairo), the studio (Qt 6), tests and benchmarks.
option(KINEMA_WITH_STUDIO "Build Kinema Studio (Qt 6)" ON)
option(KINEMA_WITH_TESTS "Build the tests" ON)
