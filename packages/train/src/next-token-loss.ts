import * as tf from '@tensorflow/tfjs';

/**
 * Next-token cross-entropy over every position: logits [batch, context, vocab] against int32
 * targets [batch, context], as the mean over all positions (or their sum) of −log softmax at the
 * target. Computed as logits − logsumexp(logits), which stays finite however large the logits.
 */
export function nextTokenLoss(
  logits: tf.Tensor,
  targets: tf.Tensor,
  reduction: 'mean' | 'sum' = 'mean',
): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape.at(-1) as number;
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, vocab)), -1);
    return tf.neg(reduction === 'mean' ? tf.mean(picked) : tf.sum(picked)) as tf.Scalar;
  });
}

/** Positions whose most likely next token is the target. */
export function nextTokenCorrect(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() =>
    tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.cast(targets, 'int32')), 'float32')),
  );
}
