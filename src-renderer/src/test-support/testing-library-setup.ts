/**
 * Testing Library waits 1 s by default for an element to appear; on a busy 2-core machine a
 * render after a real request can take longer. Waiting longer only slows a failing test.
 */
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5_000 });
