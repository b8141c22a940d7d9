import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import '../../test-support/node-realm';
import { FormError } from './FormError';

describe('an error shows one sentence first, the rest behind Details', () => {
  it('keeps the details closed until Details is opened', async () => {
    const user = userEvent.setup();
    render(
      <FormError
        message="The tunnel limit is reached."
        details="AWS allows 10 open tunnels per account and region."
      />,
    );
    const error = screen.getByTestId('connect-error');
    expect(error.querySelector('.error-text__summary')!.textContent).toBe(
      'The tunnel limit is reached.',
    );
    const details = error.querySelector('details')!;
    expect(details.open).toBe(false);
    await user.click(screen.getByText('Details'));
    expect(details.open).toBe(true);
    expect(details.textContent).toContain('AWS allows 10 open tunnels');
  });

  it('shows no Details without details', () => {
    const { container } = render(<FormError message="Paste the source access token." />);
    expect(container.querySelector('details')).toBeNull();
    expect(container.textContent).toBe('Paste the source access token.');
  });
});
