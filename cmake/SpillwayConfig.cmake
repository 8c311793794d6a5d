# One INTERFACE target that every Spillway target links: language level,
# warnings, strict Qt defines and optional sanitizers.
add_library(spillway_config INTERFACE)
add_library(Spillway::config ALIAS spillway_config)
target_compile_features(spillway_config INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_options(spillway_config INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wformat=2
    -Wimplicit-fallthrough -Wmissing-declarations)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(spillway_config INTERFACE -Wduplicated-cond -Wlogical-op)
endif()
if(SPILLWAY_WERROR)
    target_compile_options(spillway_config INTERFACE -Werror)
endif()

target_compile_definitions(spillway_config INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_FOREACH
    QT_NO_KEYWORDS
    SPILLWAY_VERSION_STRING="${PROJECT_VERSION}")

if(SPILLWAY_SANITIZE)
    target_compile_options(spillway_config INTERFACE
        -fsanitize=${SPILLWAY_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(spillway_config INTERFACE -fsanitize=${SPILLWAY_SANITIZE})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC 12 + ASan reports false -Wmaybe-uninitialized inside <regex>
        # (pulled in by Catch2); a sanitizer build checks memory at run time.
        target_compile_options(spillway_config INTERFACE -Wno-maybe-uninitialized)
    endif()
endif()
