"""Bundle adjustment: sum of squared residuals (the ADBench BA objective, vectorized).

A camera is 11 values: Rodrigues rotation (3), centre (3), focal length (1),
principal point (2), radial distortion (2).  Observation i sees point
`points[point_index[i]]` from camera `cams[cam_index[i]]` at `features[i]`
with weight `weights[i]`.  Residuals: weights * (projection - feature) per
observation (2 each) and 1 - weight^2 (one each).  Every rotation is taken to
be non-zero (ADBench's small-angle branch is not needed by the instances).
`cross` spells out np.cross, which srcgrad has no template for yet.
"""

import numpy as np


def cross(a, b):
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1],
                     a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)


def ba_objective(cams, points, weights, features, cam_index, point_index):
    c = cams[cam_index]
    rot = c[:, 0:3]
    X = points[point_index] - c[:, 3:6]
    theta = np.sqrt(np.sum(rot * rot, axis=1, keepdims=True))
    cos_t = np.cos(theta)
    sin_t = np.sin(theta)
    w = rot / theta
    w_cross_X = cross(w, X)
    along = np.sum(w * X, axis=1, keepdims=True) * (1.0 - cos_t)
    Xcam = X * cos_t + w_cross_X * sin_t + w * along
    proj = Xcam[:, 0:2] / Xcam[:, 2:3]
    rsq = np.sum(proj * proj, axis=1, keepdims=True)
    distortion = 1.0 + c[:, 9:10] * rsq + c[:, 10:11] * rsq * rsq
    predicted = proj * distortion * c[:, 6:7] + c[:, 7:9]
    reproj = weights[:, None] * (predicted - features)
    werr = 1.0 - weights * weights
    return np.sum(reproj * reproj) + np.sum(werr * werr)
