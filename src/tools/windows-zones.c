/*
 * Writes the facts of CLDR's windowsZones as ICU carries them, one line per IANA id:
 * "<Windows id> TAB <IANA zone of territory 001> TAB <IANA id>". Mailbridge's resource
 * src/main/resources/io/mailbridge/mailbox/ews/control/windows-zones.tsv groups these lines by
 * Windows id (see its header); regenerate it when CLDR changes a mapping:
 *
 *   gcc src/tools/windows-zones.c -o /tmp/windows-zones -licui18n -licuuc
 *   /tmp/windows-zones | awk -F'\t' '$3 ~ /\// || $3 == "UTC"' | sort -t$'\t' -k1,1 -k3,3 \
 *     | awk -F'\t' '{ if ($1 != w) { if (w != "") print line; w = $1; line = $1 "\t" $2 }
 *                     if ($3 != $2) line = line " " $3 } END { print line }'
 */
#include <stdio.h>
#include <unicode/ucal.h>
#include <unicode/uenum.h>
#include <unicode/ustring.h>

static void text(char *out, const UChar *in, int32_t length) {
  u_austrncpy(out, in, 127);
  out[length < 127 ? length : 127] = 0;
}

int main(void) {
  UErrorCode status = U_ZERO_ERROR;
  UEnumeration *zones = ucal_openTimeZones(&status);
  const UChar *zone;
  int32_t length;
  while ((zone = uenum_unext(zones, &length, &status)) != NULL) {
    UChar windows[128];
    UChar primary[128];
    UErrorCode found = U_ZERO_ERROR;
    int32_t windowsLength = ucal_getWindowsTimeZoneID(zone, length, windows, 128, &found);
    if (U_FAILURE(found) || windowsLength == 0) {
      continue; /* no Windows zone stands for this one */
    }
    int32_t primaryLength =
        ucal_getTimeZoneIDForWindowsID(windows, windowsLength, NULL, primary, 128, &found);
    char a[128], b[128], c[128];
    text(a, windows, windowsLength);
    text(b, primary, primaryLength);
    text(c, zone, length);
    printf("%s\t%s\t%s\n", a, b, c);
  }
  uenum_close(zones);
  return 0;
}
