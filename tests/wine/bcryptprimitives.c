/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Halley's tests
 * under wine only. Rust's standard library (1.78+) gets its random bytes
 * from ProcessPrng in bcryptprimitives.dll, which wine 8 does not provide,
 * so every test .exe would fail to start. This forwards to RtlGenRandom
 * (advapi32's SystemFunction036), which wine does implement.
 *
 * Never shipped: tests/wine/run.sh builds it with x86_64-w64-mingw32-gcc and
 * copies it into a throwaway wine prefix.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom takes a ULONG length: feed larger requests in pieces. */
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
