#!/bin/sh
# Exits 0 when every header, library and tool the build needs is present.
for h in gsl/gsl_vector.h csv.h ini.h jansson.h cairo/cairo.h \
         pango-1.0/pango/pango.h cmocka.h nettle/sha2.h png.h xxhash.h; do
    [ -e "/usr/include/$h" ] || exit 1
done
command -v pkg-config >/dev/null && command -v gcc >/dev/null && \
    command -v xmllint >/dev/null && command -v pdftotext >/dev/null &&
    command -v chromium >/dev/null || exit 1
pkg-config --exists gsl jansson cairo pangocairo libpng libxxhash nettle inih ||
    exit 1
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || exit 1
exit 0
