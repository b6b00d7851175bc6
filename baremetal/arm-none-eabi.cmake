# SPDX-License-Identifier: BSD-2-Clause
# CMake toolchain file: bare-metal Arm Cortex-M4 with the GNU Arm toolchain
# (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi).
#
#   cmake -S baremetal -B build-arm -DCMAKE_TOOLCHAIN_FILE=baremetal/arm-none-eabi.cmake
#   cmake --build build-arm
#
# Soft-float ABI (-mfloat-abi default), so the result links into firmware with
# or without an FPU. For a Cortex-M4F with hard float add
# -DCMAKE_C_FLAGS="-mfloat-abi=hard -mfpu=fpv4-sp-d16".
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "archiver")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "ranlib")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "size")

# No OS to run a test program on: check the compiler by building a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m4 -mthumb -ffreestanding")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mcpu=cortex-m4 -mthumb")

# Look for programs on the host, for libraries and headers in the target's sysroot only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
