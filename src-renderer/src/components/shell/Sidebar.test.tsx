import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { resetLayoutStore, SIDEBAR_STORAGE_KEY, useLayoutStore } from '../../stores/layout-store';
import { Sidebar } from './Sidebar';

afterEach(() => {
  cleanup();
  resetLayoutStore();
});

describe('the sidebar in a narrow window', () => {
  it('shows icons only, keeps every link’s name, and unfolds by its toggle (remembered)', async () => {
    const user = userEvent.setup();
    render(<Sidebar />);
    act(() => useLayoutStore.getState().setNarrow(true));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(nav.dataset.collapsed).toBe('true');
    // The labels stay as accessible names, and show as tooltips.
    const devices = screen.getByRole('link', { name: 'Devices' });
    expect(devices.getAttribute('title')).toBe('Devices');
    await user.click(screen.getByRole('button', { name: 'Expand sidebar' }));
    expect(nav.dataset.collapsed).toBe('false');
    expect(screen.getByRole('button', { name: 'Collapse sidebar' })).toBeTruthy();
    expect(localStorage.getItem(SIDEBAR_STORAGE_KEY)).toBe('expanded');
    expect(devices.getAttribute('title')).toBeNull();
  });
});
