// hello: prints a greeting and its arguments; `--exit N` makes it exit with N.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int code = 0;
    printf("hello from zc");
    for (int i = 1; i < argc; i++)
        printf(" %s", argv[i]);
    printf("\n");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--exit") == 0 && i + 1 < argc)
            code = atoi(argv[++i]);
    }
    return code;
}
