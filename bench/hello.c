/* Start-up cost: print one line and exit. */
#include <stdio.h>

int main(void)
{
    printf("hello\n");
    return 0;
}
