import type { Manifest, ManifestInput } from '#core/manifest.ts';
import { CELEBA_ALIGNED_CROP } from './image-folder.ts';

export { MNIST_DATA, MNIST_INPUT } from './mnist-dataset.ts';

/** The model-card data entry of CelebA. */
export const CELEBA_DATA: Manifest['card']['data'] = {
  name: 'CelebA aligned faces (9,000-image development subset)',
  source: 'Liu, Luo, Wang, Tang: Deep Learning Face Attributes in the Wild, ICCV 2015 (CelebA)',
  licence:
    'CelebA is available for non-commercial research purposes only and its agreement forbids redistributing the images; these weights are for non-commercial research and demonstration use',
};

/** The CelebA face crop (see CELEBA_ALIGNED_CROP) resized to `size`×`size` RGB with area filtering. */
export function celebaInput(size: number): ManifestInput {
  return { channels: 3, height: size, width: size, layout: 'NCHW', range: [0, 1], preprocess: { crop: CELEBA_ALIGNED_CROP, resize: 'area', grayscale: false } };
}
