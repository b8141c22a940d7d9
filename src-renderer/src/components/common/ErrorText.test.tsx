import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import '../../test-support/node-realm';
import { splitFirstSentence } from './ErrorText';
import { FormError } from './FormError';

describe('an error shows one sentence first, the rest behind Details', () => {
  it('splits after the first sentence only', () => {
    expect(splitFirstSentence('The service refused it. It said: "spent". Try again.')).toEqual({
      summary: 'The service refused it.',
      details: 'It said: "spent". Try again.',
    });
    expect(splitFirstSentence('one sentence, no rest')).toEqual({
      summary: 'one sentence, no rest',
      details: null,
    });
    // A dot inside a version or host name is not a sentence end.
    expect(splitFirstSentence('cannot reach data.tunneling.iot.eu-west-1.amazonaws.com')).toEqual({
      summary: 'cannot reach data.tunneling.iot.eu-west-1.amazonaws.com',
      details: null,
    });
  });

  it('FormError keeps the rest closed until Details is opened', async () => {
    const user = userEvent.setup();
    render(<FormError message="The tunnel limit is reached. AWS allows 10 open tunnels." />);
    const error = screen.getByTestId('connect-error');
    expect(error.querySelector('.error-text__summary')!.textContent).toBe(
      'The tunnel limit is reached.',
    );
    const details = error.querySelector('details')!;
    expect(details.open).toBe(false);
    await user.click(screen.getByText('Details'));
    expect(details.open).toBe(true);
    expect(details.textContent).toContain('AWS allows 10 open tunnels.');
  });
});
