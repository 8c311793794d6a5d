# cmake -DEXPECT=<code> [-DMATCH=<regex>] [-DNOMATCH=<regex>] -DEXE=<program> -DARGS=<a|b|c> -P expect_exit.cmake
# Runs EXE with ARGS ('|'-separated; an argument list, never a shell string)
# and fails unless it exits with EXPECT and its stdout+stderr match MATCH (and
# do not match NOMATCH).
string(REPLACE "|" ";" arg_list "${ARGS}")
execute_process(COMMAND "${EXE}" ${arg_list} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(NOT rc STREQUAL EXPECT)
    message(FATAL_ERROR "expected exit ${EXPECT}, got ${rc}\n--- output ---\n${all}")
endif()
if(DEFINED MATCH AND NOT all MATCHES "${MATCH}")
    message(FATAL_ERROR "output does not match '${MATCH}'\n--- output ---\n${all}")
endif()
if(DEFINED NOMATCH AND all MATCHES "${NOMATCH}")
    message(FATAL_ERROR "output matches '${NOMATCH}'\n--- output ---\n${all}")
endif()
message(STATUS "${all}")
