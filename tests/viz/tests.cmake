# viz/ tests (issue 7): scenes and layouts of recorded sample runs (no
# display), headless PNGs checked for content, the real window under Xvfb.
add_executable(test_scene ${CMAKE_SOURCE_DIR}/tests/viz/test_scene.c)
target_link_libraries(test_scene PRIVATE vizcore)
add_test(NAME viz.test_scene COMMAND test_scene $<TARGET_FILE:clonemu> ${CMAKE_BINARY_DIR}/samples)
set_tests_properties(viz.test_scene PROPERTIES FIXTURES_REQUIRED clonemu_guests TIMEOUT 120
                     LABELS viz)

# Headless PNGs of the default demo (aarch64, as README's first command)
# at three moments, checked for content. tools/viz-docs.sh copies the same
# files into docs/.
add_executable(test_png ${CMAKE_SOURCE_DIR}/tests/viz/test_png.c)
target_link_libraries(test_png PRIVATE vizapp)
add_test(NAME viz.test_png COMMAND test_png $<TARGET_FILE:clonemu> ${CMAKE_BINARY_DIR}/samples
                                   aarch64 ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(viz.test_png PROPERTIES FIXTURES_REQUIRED clonemu_guests TIMEOUT 120
                     LABELS viz)

# The real window under Xvfb, driven with xdotool (skipped without them).
add_test(NAME viz.window COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/viz/window.sh $<TARGET_FILE:clonemu>
                                 ${CMAKE_BINARY_DIR}/samples/aarch64/sig_group_delivery
                                 $<TARGET_FILE:test_png> ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(viz.window PROPERTIES FIXTURES_REQUIRED clonemu_guests TIMEOUT 120
                     SKIP_RETURN_CODE 77 LABELS viz RUN_SERIAL TRUE)

# The Perfetto/Chrome trace export: `run --perfetto` and `viz --perfetto`
# of the default demo, parsed and checked (tracks, slices, flows).
add_executable(test_perfetto ${CMAKE_SOURCE_DIR}/tests/viz/test_perfetto.c)
target_link_libraries(test_perfetto PRIVATE vizcore)
add_test(NAME viz.test_perfetto COMMAND test_perfetto $<TARGET_FILE:clonemu>
                                        ${CMAKE_BINARY_DIR}/samples)
set_tests_properties(viz.test_perfetto PROPERTIES FIXTURES_REQUIRED clonemu_guests TIMEOUT 120
                     LABELS viz)

# Live `clonemu run --viz` under SDL's dummy video driver: same events,
# output and exit status as without it; the window took every event.
add_test(NAME viz.live COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/viz/live.sh $<TARGET_FILE:clonemu>
                               ${CMAKE_BINARY_DIR}/samples)
set_tests_properties(viz.live PROPERTIES FIXTURES_REQUIRED clonemu_guests TIMEOUT 120 LABELS viz)

# Scale: 1,000 generated tasks, frame time of layout + software rendering
# (fit, zoomed, stepping), stepping back through snapshots.
add_executable(test_scale ${CMAKE_SOURCE_DIR}/tests/viz/test_scale.c)
target_link_libraries(test_scale PRIVATE vizapp)
add_test(NAME viz.test_scale COMMAND test_scale)
set_tests_properties(viz.test_scale PROPERTIES TIMEOUT 120 LABELS viz RUN_SERIAL TRUE)

# SDL2's X11 backend and D-Bus keep some allocations until exit: suppress
# leaks in those libraries only (tests/viz/lsan.supp) for the window tests.
set_tests_properties(viz.live viz.test_png viz.test_scale PROPERTIES ENVIRONMENT
                     "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/viz/lsan.supp:print_suppressions=0")
# The real X11 window: libdbus (loaded by SDL) leaks blocks that LSan then
# reports from an "<unknown module>" once the library is unloaded, so no
# suppression can name them. Leak checking stays on for every other test
# of the viewer's code (test_png, test_scale, live use the same code paths
# with the offscreen/dummy drivers); here only ASan/UBSan errors count.
set_tests_properties(viz.window PROPERTIES ENVIRONMENT
                     "ASAN_OPTIONS=detect_leaks=0;LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/viz/lsan.supp")
