# Helpers every part of the workbench uses to declare its targets.
include_guard(GLOBAL)

add_compile_options(-Wall -Wextra -Wpedantic)
if(WB_SANITIZE)
    add_compile_options(-fsanitize=${WB_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${WB_SANITIZE})
endif()

include(GoogleTest)

# The module a folder belongs to: <id> for modules/<id>/ and anything below it, else empty.
function(_workbench_module_of dir out)
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/modules ${dir})
    set(id "")
    if(rel AND NOT rel MATCHES "^\\.\\.")
        string(REGEX REPLACE "/.*" "" id "${rel}")
    endif()
    set(${out} "${id}" PARENT_SCOPE)
endfunction()

# workbench_add_test(<name> SOURCES <src>... [LIBS <lib>...] [QTEST] [TSAN]
#                    [LABELS <label>...] [ENVIRONMENT <VAR=value>...] [TIMEOUT <seconds>])
# A GoogleTest executable whose cases are registered one by one with CTest as
# "<name>.<Suite>.<Case>", or with QTEST a Qt Test executable registered as one test that runs
# on the offscreen platform. Every test carries the label of its kind (unit, or gui for QTEST),
# LABELS, and, under modules/<id>/, the module's id: `ctest -L crypto` runs all of a module's
# tests. TSAN: the test also runs in the ThreadSanitizer stage (it exercises threads).
function(workbench_add_test name)
    cmake_parse_arguments(T "QTEST;TSAN" "TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    _workbench_module_of(${CMAKE_CURRENT_SOURCE_DIR} module)
    if(module)
        list(APPEND T_LABELS ${module})
    endif()
    add_executable(${name} ${T_SOURCES})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    set(env "XDG_RUNTIME_DIR=${CMAKE_BINARY_DIR}/runtime" ${T_ENVIRONMENT})
    if(T_QTEST)
        target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
        add_test(NAME ${name} COMMAND ${name})
        list(APPEND env "QT_QPA_PLATFORM=offscreen")
        set(labels gui ${T_LABELS} ${name})
        list(REMOVE_DUPLICATES labels)
        set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT}
                             LABELS "${labels}")
    else()
        target_link_libraries(${name} PRIVATE GTest::gtest GTest::gtest_main ${T_LIBS})
        set(labels unit ${T_LABELS})
        list(REMOVE_DUPLICATES labels)
        gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                             TEST_PREFIX "${name}." TEST_LIST ${name}_TESTS
                             PROPERTIES TIMEOUT ${T_TIMEOUT})
        # gtest_discover_tests (CMake 3.25) splits list-valued PROPERTIES apart, so the labels
        # and the environment are given by a script CTest reads after the discovered cases.
        set(props ${CMAKE_CURRENT_BINARY_DIR}/${name}_properties.cmake)
        file(WRITE ${props}
             "if(${name}_TESTS)\n"
             "  set_tests_properties(\${${name}_TESTS} PROPERTIES\n"
             "    LABELS [==[${labels}]==] ENVIRONMENT [==[${env}]==])\n"
             "endif()\n")
        set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${props})
        if(T_TSAN)
            set_property(GLOBAL APPEND PROPERTY WB_TSAN_TESTS ${name})
        endif()
    endif()
endfunction()

# Workbench::TestCli: tests/support/workbench/test/cli.h (running workbench-cli without a
# shell, see its first lines) with WB_CLI_PATH, the built workbench-cli.
add_library(wb_test_cli INTERFACE)
add_library(Workbench::TestCli ALIAS wb_test_cli)
target_include_directories(wb_test_cli INTERFACE ${CMAKE_SOURCE_DIR}/tests/support)
target_compile_definitions(wb_test_cli INTERFACE WB_CLI_PATH="$<TARGET_FILE:workbench-cli>")
target_link_libraries(wb_test_cli INTERFACE GTest::gtest)

# workbench_add_cli_test(<name> SOURCES <src>... [LIBS <lib>...] [LABELS <label>...]
#                        [TIMEOUT <seconds>])
# A workbench_add_test GoogleTest executable that runs the built workbench-cli through
# Workbench::TestCli; labelled cli as well, and built after workbench-cli.
function(workbench_add_cli_test name)
    cmake_parse_arguments(C "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    if(NOT C_TIMEOUT)
        set(C_TIMEOUT 120)
    endif()
    workbench_add_test(${name} SOURCES ${C_SOURCES} LIBS Workbench::TestCli ${C_LIBS}
                       LABELS cli ${C_LABELS} TIMEOUT ${C_TIMEOUT})
    add_dependencies(${name} workbench-cli)
endfunction()

# workbench_add_benchmark(<name> SOURCES <src>... [LIBS <lib>...])
# A Google Benchmark executable in <build>/bench; never run as a test.
function(workbench_add_benchmark name)
    if(NOT WB_BUILD_BENCHMARKS)
        return()
    endif()
    cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${B_SOURCES})
    target_link_libraries(${name} PRIVATE benchmark::benchmark ${B_LIBS})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bench)
endfunction()

# workbench_add_cli(<module-id> SOURCES <src>... [LIBS <lib>...])
# Adds `workbench-cli <module-id> ...`. The sources define, in the global namespace,
#     void wbRegisterCli_<module-id>(wb::cli::Registry &registry);
# which the CLI calls at start-up. The CLI stays Qt-free.
function(workbench_add_cli id)
    cmake_parse_arguments(C "" "" "SOURCES;LIBS" ${ARGN})
    set(target wb_cli_${id})
    add_library(${target} STATIC ${C_SOURCES})
    target_link_libraries(${target} PUBLIC Workbench::Core ${C_LIBS})
    set_property(GLOBAL APPEND PROPERTY WB_CLI_MODULES ${id})
endfunction()

# workbench_add_views(<module-id> SOURCES <src>... [LIBS <lib>...])
# A module's views compiled once, as the static library wb_<module-id>_views, which the
# plugin, the module's ui tests and its paint benchmarks all link (PUBLIC: the folder of the
# sources, Workbench::Ui and LIBS).
function(workbench_add_views id)
    if(NOT WB_BUILD_GUI)
        return()
    endif()
    cmake_parse_arguments(V "" "" "SOURCES;LIBS" ${ARGN})
    set(target wb_${id}_views)
    add_library(${target} STATIC ${V_SOURCES})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON
        AUTOMOC_MOC_OPTIONS "-I${CMAKE_CURRENT_SOURCE_DIR}")
    target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC Workbench::Ui ${V_LIBS})
endfunction()

# workbench_add_module(<module-id> CLASS_NAME <class> SOURCES <src>... [LIBS <lib>...]
#                      [RESOURCES <file>...] [RESOURCE_BASE <dir>])
# A module plugin for the GUI shell. <module-id>.json.in next to the calling CMakeLists.txt
# is its metadata (read by the shell before the plugin is loaded), with "@PROJECT_VERSION@" as
# its version: it is configured into the build tree, where Q_PLUGIN_METADATA(... FILE
# "<module-id>.json") finds it, so every plugin carries the version it was built as (the
# shell refuses another major.minor). RESOURCES are embedded
# under :/modules/<module-id>/ with paths relative to RESOURCE_BASE (default: the module
# folder), so lessons and the core's own sources travel inside the plugin.
function(workbench_add_module id)
    if(NOT WB_BUILD_GUI)
        return()
    endif()
    cmake_parse_arguments(M "" "CLASS_NAME;RESOURCE_BASE" "SOURCES;LIBS;RESOURCES" ${ARGN})
    set(target wb_module_${id})
    qt_add_plugin(${target} SHARED CLASS_NAME ${M_CLASS_NAME})
    # Qt 6.4 drops sources given to qt_add_plugin itself.
    target_sources(${target} PRIVATE ${M_SOURCES})
    target_link_libraries(${target} PRIVATE Workbench::Ui ${M_LIBS})
    set_target_properties(${target} PROPERTIES
        OUTPUT_NAME workbench-${id}
        LIBRARY_OUTPUT_DIRECTORY ${WB_PLUGIN_OUTPUT_DIR}
        AUTOMOC_MOC_OPTIONS "-I${CMAKE_CURRENT_SOURCE_DIR}")
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
    # An include folder of the target, so that moc finds the file and AUTOMOC reruns when it
    # changes.
    set(meta_dir ${CMAKE_CURRENT_BINARY_DIR}/metadata)
    configure_file(${CMAKE_CURRENT_SOURCE_DIR}/${id}.json.in ${meta_dir}/${id}.json @ONLY)
    target_include_directories(${target} PRIVATE ${meta_dir})
    if(M_RESOURCES)
        if(NOT M_RESOURCE_BASE)
            set(M_RESOURCE_BASE ${CMAKE_CURRENT_SOURCE_DIR})
        endif()
        set(aliases)
        foreach(f IN LISTS M_RESOURCES)
            get_filename_component(abs ${f} ABSOLUTE)
            file(RELATIVE_PATH rel ${M_RESOURCE_BASE} ${abs})
            set_source_files_properties(${abs} PROPERTIES QT_RESOURCE_ALIAS ${rel})
            list(APPEND aliases ${abs})
        endforeach()
        qt_add_resources(${target} ${target}_res PREFIX /modules/${id} FILES ${aliases})
    endif()
    install(TARGETS ${target} LIBRARY DESTINATION ${WB_PLUGIN_INSTALL_DIR})
    set_property(GLOBAL APPEND PROPERTY WB_GUI_MODULES ${id})
endfunction()

# workbench_requires_rabbitmq(<test>...)
# These tests run against a private RabbitMQ node that CTest starts before them and stops
# after them (tests/broker/rabbitmq-node.sh); they find it through WB_RABBITMQ_URL.
# Below the kernel's ephemeral range (32768-60999), as is its distribution port (+20000): a
# client reconnecting while the node is down can never take the port the node comes back on.
set(WB_RABBITMQ_PORT 12672 CACHE STRING "Loopback port of the test suite's private RabbitMQ node")
set(WB_RABBITMQ_URL "amqp://guest:guest@127.0.0.1:${WB_RABBITMQ_PORT}/")
function(workbench_requires_rabbitmq)
    foreach(t IN LISTS ARGN)
        set_property(TEST ${t} APPEND PROPERTY FIXTURES_REQUIRED rabbitmq)
        set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT "WB_RABBITMQ_URL=${WB_RABBITMQ_URL}")
        set_property(TEST ${t} APPEND PROPERTY LABELS broker)
        set_property(TEST ${t} PROPERTY RESOURCE_LOCK rabbitmq)
    endforeach()
    set_property(GLOBAL PROPERTY WB_NEEDS_RABBITMQ ON)
endfunction()

# workbench_add_fuzz_target(<prefix> <target> LIB <library>)
# A fuzz target fuzz_<target>.cpp (in the calling folder, defining LLVMFuzzerTestOneInput and
# checking invariants with FUZZ_CHECK from tests/fuzz/fuzz_support.h), seeded from
# corpus/<target>/. It is built twice:
# - <prefix>_fuzz_regress_<target> (any compiler, always): tests/fuzz/regression_main.cpp
#   feeds it every seed plus seeded mutations of them; registered with CTest as
#   <prefix>_fuzz_<target>, labelled unit (so it also runs in the sanitizer stage) and fuzz;
# - <prefix>_fuzz_<target> (WB_BUILD_FUZZERS=ON, clang only): the libFuzzer binary, in
#   <build>/fuzz. scripts/fuzz.sh builds and runs these. The library under test must be
#   instrumented too: see workbench_instrument_for_fuzzing.
function(workbench_add_fuzz_target prefix target)
    cmake_parse_arguments(F "" "LIB" "" ${ARGN})
    set(shared ${CMAKE_SOURCE_DIR}/tests/fuzz)
    set(driver ${prefix}_fuzz_regress_${target})
    add_executable(${driver} fuzz_${target}.cpp ${shared}/regression_main.cpp)
    target_include_directories(${driver} PRIVATE ${shared})
    target_link_libraries(${driver} PRIVATE ${F_LIB})
    set_target_properties(${driver} PROPERTIES AUTOMOC OFF
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME ${prefix}_fuzz_${target}
             COMMAND ${driver} ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${target})
    set_tests_properties(${prefix}_fuzz_${target} PROPERTIES
                         LABELS "unit;${prefix};fuzz" TIMEOUT 300)
    if(NOT WB_BUILD_FUZZERS OR NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        return()
    endif()
    set(fuzzer ${prefix}_fuzz_${target})
    add_executable(${fuzzer} fuzz_${target}.cpp)
    target_include_directories(${fuzzer} PRIVATE ${shared})
    target_compile_options(${fuzzer} PRIVATE -fsanitize=fuzzer ${WB_FUZZ_SANITIZERS})
    target_link_options(${fuzzer} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(${fuzzer} PRIVATE ${F_LIB})
    set_target_properties(${fuzzer} PROPERTIES AUTOMOC OFF
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
endfunction()

# Coverage feedback needs the code under test instrumented too, not only the entry points;
# whatever links the library then needs the sanitizer runtimes. Does nothing unless
# WB_BUILD_FUZZERS=ON with clang.
set(WB_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                       -fno-omit-frame-pointer)
function(workbench_instrument_for_fuzzing library)
    if(NOT WB_BUILD_FUZZERS)
        return()
    endif()
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(WARNING "WB_BUILD_FUZZERS needs clang (libFuzzer); the fuzzers are skipped. "
                        "scripts/fuzz.sh configures a clang build.")
        return()
    endif()
    target_compile_options(${library} PRIVATE -fsanitize=fuzzer-no-link ${WB_FUZZ_SANITIZERS})
    target_link_options(${library} INTERFACE -fsanitize=address,undefined)
endfunction()
