# CPack: `cpack -G DEB` in the build directory makes spillway_<version>_<arch>.deb.
# Runtime dependencies come from dpkg-shlibdeps on the installed binaries.
set(CPACK_PACKAGE_NAME "spillway")
set(CPACK_PACKAGE_VENDOR "The Spillway developers")
set(CPACK_PACKAGE_CONTACT "Spillway developers <spillway@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Operations console for Apache Kafka storage")
set(CPACK_PACKAGE_DESCRIPTION
    "Spillway watches the disks of Apache Kafka brokers (log.dirs / JBOD): usage, growth, time to\n"
    "full, skew, failed disks and corrupt indexes, and runs the operations that fix them: disk\n"
    "swap, retention shrink, index rebuild and partition moves between disks.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_FILE_NAME "spillway_${PROJECT_VERSION}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
# Plugins are not seen by shlibdeps: the Qt SQLite driver (the console keeps
# its history in SQLite) and the SVG image plugin (the icon).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "kcat, fuse3")

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/spillway)
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/spillway RENAME copyright)

set(CPACK_GENERATOR "DEB")
include(CPack)
